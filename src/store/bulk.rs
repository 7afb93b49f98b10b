//! Batched multi-row inserts for loading generated data (demo and large seeds).

use sea_query::{Expr, Query, Value};

use super::{Backend, Db, Result, Tx, schema};

/// Bound parameters per statement: under SQLite's 32 766 and PostgreSQL's 65 535.
const MAX_PARAMS: usize = 30_000;

/// Inserts `rows` (each in `columns` order) in as few statements as the parameter limit allows.
pub async fn insert_rows(
    tx: &mut Tx,
    table: &'static str,
    columns: &[&'static str],
    rows: Vec<Vec<Value>>,
) -> Result<u64> {
    if let Some(t) = schema::find(table) {
        t.check(columns.iter().copied());
    }
    let per_statement = (MAX_PARAMS / columns.len().max(1)).max(1);
    let mut written = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut q = Query::insert();
        q.into_table(table).columns(columns.iter().copied());
        for row in rows.by_ref().take(per_statement) {
            q.values_panic(row.into_iter().map(Expr::val));
        }
        written += tx.exec(&q).await?;
    }
    Ok(written)
}

/// After rows were inserted with explicit ids, moves PostgreSQL's identity sequences past them
/// (SQLite and MySQL move theirs on insert).
pub async fn reset_sequences(db: &Db, tables: &[&str]) -> Result<()> {
    if let Db::Postgres(pool) = db {
        for table in tables {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await?;
        }
    }
    Ok(())
}

/// Refreshes planner statistics after a bulk load.
pub async fn analyze(db: &Db) -> Result<()> {
    match db {
        Db::Sqlite(p) => {
            sqlx::query("ANALYZE").execute(p).await?;
        }
        Db::Postgres(p) => {
            sqlx::query("ANALYZE").execute(p).await?;
        }
        Db::MySql(p) => {
            let tables: Vec<&str> = schema::ALL.iter().map(|t| t.name).collect();
            let sql = format!("ANALYZE TABLE {}", tables.join(", "));
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(p).await?;
        }
    };
    Ok(())
}

/// Loads faster by relaxing durability for one bulk load on SQLite; no-op on PostgreSQL.
pub fn backend_batch_hint(db: &Db) -> usize {
    match db.backend() {
        Backend::Sqlite => 50_000,
        Backend::Postgres | Backend::MySql => 20_000,
    }
}
