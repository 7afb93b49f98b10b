//! worker_leases: work only one worker may do at a time holds a named lease that ends by
//! itself (a crashed worker's lease is taken over once it expires).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Query};
use sqlx::AssertSqlSafe;

use super::{Conn, Db, Result};

/// Takes (or renews) lease `name` for `holder` until `until`; false while another holder's
/// lease runs.
pub async fn take(
    db: &Db,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool> {
    let sql = "INSERT INTO worker_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
        ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
        WHERE worker_leases.holder = excluded.holder OR worker_leases.expires_at < $4";
    let n = match db {
        Db::Sqlite(p) => sqlx::query(AssertSqlSafe(sql.replace('$', "?")))
            .bind(name)
            .bind(holder)
            .bind(until)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected(),
        Db::Postgres(p) => sqlx::query(AssertSqlSafe(sql))
            .bind(name)
            .bind(holder)
            .bind(until)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected(),
    };
    Ok(n == 1)
}

/// Ends `holder`'s lease `name` (nothing when another holds it).
pub async fn release(db: &Db, name: &str, holder: &str) -> Result<()> {
    let q = Query::delete()
        .from_table("worker_leases")
        .and_where(Expr::col("name").eq(name))
        .and_where(Expr::col("holder").eq(holder))
        .to_owned();
    db.exec(&q).await?;
    Ok(())
}

/// Who holds lease `name` and until when.
pub async fn holder(c: &mut impl Conn, name: &str) -> Result<Option<(String, DateTime<Utc>)>> {
    let q = Query::select()
        .columns(["holder", "expires_at"])
        .from("worker_leases")
        .and_where(Expr::col("name").eq(name))
        .to_owned();
    c.opt(&q).await
}
