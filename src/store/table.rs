//! A table as the store writes it: its name and columns (`store::schema` lists them), and the
//! statements built from them. Every column a statement names is checked against the table's
//! list in debug builds, so a misspelt or foreign column fails the tests that run the
//! statement rather than a write in production.

use chrono::{DateTime, Utc};
use sea_query::{
    Expr, ExprTrait, InsertStatement, OnConflict, Query, SelectStatement, UpdateStatement, Value,
};

use super::{Result, StoreError};

/// A table and its columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    /// The columns the data generator writes, in the order its rows give them.
    pub columns: &'static [&'static str],
    /// The table's other columns, which the generator leaves to their defaults. Columns the
    /// database computes itself (generated columns) are in neither list: nothing writes them.
    pub others: &'static [&'static str],
}

impl Table {
    /// Whether `column` is one of the table's.
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains(&column) || self.others.contains(&column)
    }

    /// Every column of the table, the generator's first.
    pub fn all_columns(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.columns.iter().chain(self.others).copied()
    }

    /// Fails, in debug builds, when a column is not the table's or is named twice.
    #[track_caller]
    pub fn check<'a>(&self, columns: impl IntoIterator<Item = &'a str>) {
        if !cfg!(debug_assertions) {
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for column in columns {
            assert!(
                self.has(column),
                "`{column}` is not a column of `{}` (store::schema)",
                self.name
            );
            assert!(
                !seen.contains(&column),
                "`{column}` is named twice in a statement on `{}`",
                self.name
            );
            seen.push(column);
        }
    }

    /// `INSERT INTO table (columns) VALUES (values)` for one row, each value given beside its
    /// column.
    #[track_caller]
    pub fn insert<I>(&self, row: I) -> InsertStatement
    where
        I: IntoIterator<Item = (&'static str, Expr)>,
    {
        let (columns, values): (Vec<&'static str>, Vec<Expr>) = row.into_iter().unzip();
        self.check(columns.iter().copied());
        Query::insert()
            .into_table(self.name)
            .columns(columns)
            .values_panic(values)
            .to_owned()
    }

    /// [`Table::insert`] of a new row whose `created_at` and `updated_at` are `now`.
    #[track_caller]
    pub fn insert_new<I>(&self, now: DateTime<Utc>, row: I) -> InsertStatement
    where
        I: IntoIterator<Item = (&'static str, Expr)>,
    {
        let stamps = [("created_at", now.into()), ("updated_at", now.into())];
        self.insert(row.into_iter().chain(stamps))
    }

    /// `INSERT INTO table (columns) SELECT …`, the select giving one value per column in order.
    #[track_caller]
    pub fn insert_select(
        &self,
        columns: &[&'static str],
        select: SelectStatement,
    ) -> Result<InsertStatement> {
        self.check(columns.iter().copied());
        Ok(Query::insert()
            .into_table(self.name)
            .columns(columns.iter().copied())
            .select_from(select)
            .map_err(StoreError::statement)?
            .to_owned())
    }

    /// `INSERT INTO "table" ("a", "b")`: the head of an insert written as SQL text (what
    /// sea-query cannot say, such as a select differing between the backends).
    #[track_caller]
    pub fn insert_into(&self, columns: &[&'static str]) -> String {
        self.check(columns.iter().copied());
        let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
        format!("INSERT INTO \"{}\" ({})", self.name, quoted.join(", "))
    }

    /// `ON CONFLICT (key)` on one of the table's unique keys; the caller says what to do.
    #[track_caller]
    pub fn on_conflict<const N: usize>(&self, key: [&'static str; N]) -> OnConflict {
        self.check(key);
        OnConflict::columns(key)
    }

    /// `ON CONFLICT (key) DO NOTHING`: a row already there under `key` is left alone.
    #[track_caller]
    pub fn skip_existing<const N: usize>(&self, key: [&'static str; N]) -> OnConflict {
        self.on_conflict(key).do_nothing_on(key).to_owned()
    }

    /// Compare-and-set on a row's `lock_version`: sets `values` and `updated_at`, bumps the
    /// version, only where the row is still at `lock_version` (callers add their conditions).
    #[track_caller]
    pub fn cas_update(
        &self,
        id: i64,
        lock_version: i64,
        values: Vec<(&'static str, Value)>,
        now: DateTime<Utc>,
    ) -> UpdateStatement {
        self.check(
            values
                .iter()
                .map(|(c, _)| *c)
                .chain(["updated_at", "lock_version"]),
        );
        Query::update()
            .table(self.name)
            .values(values.into_iter().map(|(c, v)| (c, Expr::val(v))))
            .value("updated_at", now)
            .value("lock_version", Expr::col("lock_version").add(1))
            .and_where(Expr::col("id").eq(id))
            .and_where(Expr::col("lock_version").eq(lock_version))
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};

    use super::Table;

    const LEASES: Table = Table {
        name: "worker_leases",
        columns: &["name", "holder"],
        others: &["expires_at"],
    };

    #[test]
    fn an_insert_names_each_value_beside_its_column() {
        let q = LEASES.insert([("name", "w".into()), ("expires_at", 5.into())]);
        assert_eq!(
            q.to_string(PostgresQueryBuilder),
            r#"INSERT INTO "worker_leases" ("name", "expires_at") VALUES ('w', 5)"#
        );
        assert_eq!(
            LEASES.insert_into(&["name", "holder"]),
            r#"INSERT INTO "worker_leases" ("name", "holder")"#
        );
        let upsert = LEASES
            .insert([("name", "w".into())])
            .on_conflict(LEASES.skip_existing(["name"]))
            .to_owned();
        assert_eq!(
            upsert.to_string(SqliteQueryBuilder),
            r#"INSERT INTO "worker_leases" ("name") VALUES ('w') ON CONFLICT ("name") DO NOTHING"#
        );
        assert_eq!(
            LEASES.all_columns().collect::<Vec<_>>(),
            ["name", "holder", "expires_at"]
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "`holdr` is not a column of `worker_leases`")]
    fn a_column_the_table_lacks_fails() {
        LEASES.insert([("name", "w".into()), ("holdr", "x".into())]);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "`name` is named twice")]
    fn a_column_named_twice_fails() {
        LEASES.insert_into(&["name", "holder", "name"]);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "`updated_at` is not a column of `worker_leases`")]
    fn a_compare_and_set_needs_a_versioned_table() {
        LEASES.cas_update(1, 0, vec![("holder", "x".into())], chrono::Utc::now());
    }
}
