//! Runs a sea-query statement on whichever backend a `Db` or `Tx` holds. Each statement is
//! rendered with that backend's builder (`?` vs `$1`, quoting) and bound natively.

use chrono::{DateTime, Utc};
use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder, Value, Values};
use sea_query_sqlx::{SqlxBinder, SqlxValues};
use sqlx::mysql::MySqlRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, FromRow};

use super::mysql;
use super::{Db, Result, Tx};

/// How SQLite keeps a time: as Laravel writes it (`Y-m-d H:i:s` in UTC, with the microseconds
/// when there are some), so the rows the platform writes and the back-office's own sort, page
/// and filter together by their real time (text order is time order in one form only).
pub fn sqlite_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.f").to_string()
}

/// A statement's values as SQLite is given them: times in [`sqlite_time`]'s form.
fn for_sqlite(values: SqlxValues) -> SqlxValues {
    let values = values.0.0.into_iter().map(|v| match v {
        Value::ChronoDateTimeUtc(Some(t)) => Value::String(Some(sqlite_time(&t))),
        other => other,
    });
    SqlxValues(Values(values.collect()))
}

/// A row type that decodes from every backend (so one struct serves all three).
pub trait FromAnyRow:
    for<'r> FromRow<'r, SqliteRow>
    + for<'r> FromRow<'r, PgRow>
    + for<'r> FromRow<'r, MySqlRow>
    + Send
    + Unpin
{
}
impl<T> FromAnyRow for T where
    T: for<'r> FromRow<'r, SqliteRow>
        + for<'r> FromRow<'r, PgRow>
        + for<'r> FromRow<'r, MySqlRow>
        + Send
        + Unpin
{
}

/// A statement rendered for MariaDB/MySQL (see [`mysql`]).
fn for_mysql(q: &(impl SqlxBinder + ?Sized)) -> (String, SqlxValues) {
    let (sql, values) = q.build_sqlx(mysql::Builder);
    let sql = mysql::order_by_columns(mysql::join_order(mysql::casts(&sql)));
    (sql, values)
}

macro_rules! run_on {
    ($target:expr, $q:expr, $method:ident, $T:ty) => {
        match $target {
            Db::Sqlite(p) => {
                let (sql, values) = $q.build_sqlx(SqliteQueryBuilder);
                let values = for_sqlite(values);
                sqlx::query_as_with::<_, $T, _>(AssertSqlSafe(sql), values)
                    .$method(p)
                    .await
            }
            Db::Postgres(p) => {
                let (sql, values) = $q.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, $T, _>(AssertSqlSafe(sql), values)
                    .$method(p)
                    .await
            }
            Db::MySql(p) => {
                let (sql, values) = for_mysql($q);
                sqlx::query_as_with::<_, $T, _>(AssertSqlSafe(sql), values)
                    .$method(p)
                    .await
            }
        }
    };
}

macro_rules! run_in {
    ($tx:expr, $q:expr, $method:ident, $T:ty) => {
        match $tx {
            Tx::Sqlite(t) => {
                let (sql, values) = $q.build_sqlx(SqliteQueryBuilder);
                let values = for_sqlite(values);
                sqlx::query_as_with::<_, $T, _>(AssertSqlSafe(sql), values)
                    .$method(&mut **t)
                    .await
            }
            Tx::Postgres(t) => {
                let (sql, values) = $q.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, $T, _>(AssertSqlSafe(sql), values)
                    .$method(&mut **t)
                    .await
            }
            Tx::MySql(t) => {
                let (sql, values) = for_mysql($q);
                sqlx::query_as_with::<_, $T, _>(AssertSqlSafe(sql), values)
                    .$method(&mut **t)
                    .await
            }
        }
    };
}

macro_rules! exec_on {
    ($target:expr, $q:expr) => {
        match $target {
            Db::Sqlite(p) => {
                let (sql, values) = $q.build_sqlx(SqliteQueryBuilder);
                let values = for_sqlite(values);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(p)
                    .await
                    .map(|r| r.rows_affected())
            }
            Db::Postgres(p) => {
                let (sql, values) = $q.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(p)
                    .await
                    .map(|r| r.rows_affected())
            }
            Db::MySql(p) => {
                let (sql, values) = for_mysql($q);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(p)
                    .await
                    .map(|r| r.rows_affected())
            }
        }
    };
}

impl Db {
    pub async fn all<T: FromAnyRow>(&self, q: &(impl SqlxBinder + Sync)) -> Result<Vec<T>> {
        Ok(run_on!(self, q, fetch_all, T)?)
    }
    pub async fn one<T: FromAnyRow>(&self, q: &(impl SqlxBinder + Sync)) -> Result<T> {
        Ok(run_on!(self, q, fetch_one, T)?)
    }
    pub async fn opt<T: FromAnyRow>(&self, q: &(impl SqlxBinder + Sync)) -> Result<Option<T>> {
        Ok(run_on!(self, q, fetch_optional, T)?)
    }
    /// Runs a write outside any transaction; returns the rows affected.
    pub async fn exec(&self, q: &(impl SqlxBinder + Sync)) -> Result<u64> {
        Ok(exec_on!(self, q)?)
    }
}

impl Tx {
    pub async fn all<T: FromAnyRow>(&mut self, q: &(impl SqlxBinder + Sync)) -> Result<Vec<T>> {
        Ok(run_in!(self, q, fetch_all, T)?)
    }
    pub async fn one<T: FromAnyRow>(&mut self, q: &(impl SqlxBinder + Sync)) -> Result<T> {
        Ok(run_in!(self, q, fetch_one, T)?)
    }
    pub async fn opt<T: FromAnyRow>(&mut self, q: &(impl SqlxBinder + Sync)) -> Result<Option<T>> {
        Ok(run_in!(self, q, fetch_optional, T)?)
    }
    /// Runs a write; returns the rows affected (0 means a compare-and-set lost).
    pub async fn exec(&mut self, q: &(impl SqlxBinder + Sync)) -> Result<u64> {
        let n = match self {
            Tx::Sqlite(t) => {
                let (sql, values) = q.build_sqlx(SqliteQueryBuilder);
                let values = for_sqlite(values);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(&mut **t)
                    .await?
                    .rows_affected()
            }
            Tx::Postgres(t) => {
                let (sql, values) = q.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(&mut **t)
                    .await?
                    .rows_affected()
            }
            Tx::MySql(t) => {
                let (sql, values) = for_mysql(q);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(&mut **t)
                    .await?
                    .rows_affected()
            }
        };
        Ok(n)
    }
    /// Runs a write written as SQL text (what sea-query cannot say), its parameters `$1`,
    /// `$2`… binding `values` in order; SQLite reads them as `?1`, `?2`… and MySQL gets each
    /// as `?` with its value, so a number used twice binds the same value on every backend.
    /// Returns the rows affected.
    pub async fn exec_sql(&mut self, sql: &str, values: Vec<Value>) -> Result<u64> {
        let values = SqlxValues(Values(values));
        let n = match self {
            Tx::Sqlite(t) => {
                sqlx::query_with(AssertSqlSafe(sql.replace('$', "?")), for_sqlite(values))
                    .execute(&mut **t)
                    .await?
                    .rows_affected()
            }
            Tx::Postgres(t) => sqlx::query_with(AssertSqlSafe(sql.to_owned()), values)
                .execute(&mut **t)
                .await?
                .rows_affected(),
            Tx::MySql(t) => {
                let (sql, values) = mysql::translate(sql, values.0.0);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(&mut **t)
                    .await?
                    .rows_affected()
            }
        };
        Ok(n)
    }
    /// Runs an INSERT and returns the new row's id: `RETURNING id`, or on MySQL (which has
    /// no `RETURNING`) the connection's `LAST_INSERT_ID()`.
    pub async fn insert_id(&mut self, q: &sea_query::InsertStatement) -> Result<i64> {
        if let Tx::MySql(t) = self {
            let (sql, values) = for_mysql(q);
            let done = sqlx::query_with(AssertSqlSafe(sql), values)
                .execute(&mut **t)
                .await?;
            return Ok(done.last_insert_id() as i64);
        }
        let mut q = q.clone();
        q.returning_col("id");
        let (id,): (i64,) = self.one(&q).await?;
        Ok(id)
    }
}

/// Either a pool or an open transaction: store reads take `&mut impl Conn` so the service can
/// run them inside its transaction and the UI outside any.
pub trait Conn: Send {
    fn all<T: FromAnyRow>(
        &mut self,
        q: &(impl SqlxBinder + Sync),
    ) -> impl Future<Output = Result<Vec<T>>> + Send;
    fn one<T: FromAnyRow>(
        &mut self,
        q: &(impl SqlxBinder + Sync),
    ) -> impl Future<Output = Result<T>> + Send;
    fn opt<T: FromAnyRow>(
        &mut self,
        q: &(impl SqlxBinder + Sync),
    ) -> impl Future<Output = Result<Option<T>>> + Send;
    fn exec(&mut self, q: &(impl SqlxBinder + Sync)) -> impl Future<Output = Result<u64>> + Send;
}

/// `Conn` for a type whose inherent `all`, `one`, `opt` and `exec` it forwards to.
macro_rules! conn_through {
    ($t:ty) => {
        impl Conn for $t {
            fn all<T: FromAnyRow>(
                &mut self,
                q: &(impl SqlxBinder + Sync),
            ) -> impl Future<Output = Result<Vec<T>>> + Send {
                <$t>::all(self, q)
            }
            fn one<T: FromAnyRow>(
                &mut self,
                q: &(impl SqlxBinder + Sync),
            ) -> impl Future<Output = Result<T>> + Send {
                <$t>::one(self, q)
            }
            fn opt<T: FromAnyRow>(
                &mut self,
                q: &(impl SqlxBinder + Sync),
            ) -> impl Future<Output = Result<Option<T>>> + Send {
                <$t>::opt(self, q)
            }
            fn exec(
                &mut self,
                q: &(impl SqlxBinder + Sync),
            ) -> impl Future<Output = Result<u64>> + Send {
                <$t>::exec(self, q)
            }
        }
    };
}

conn_through!(Db);
conn_through!(Tx);
