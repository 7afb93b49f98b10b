//! worker_leases: work only one worker may do at a time holds a named lease that ends by
//! itself (a crashed worker's lease is taken over once it expires).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Query};

use super::{Conn, Db, Result, schema};

/// Takes (or renews) lease `name` for `holder` until `until`; false while another holder's
/// lease runs. Written as a guarded update, then an insert that yields to a row already there:
/// MySQL's upsert can neither be guarded nor tell an insert from a kept row.
pub async fn take(
    db: &Db,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool> {
    let t = schema::WORKER_LEASES;
    let renewed = Query::update()
        .table(t.name)
        .value("holder", holder)
        .value("expires_at", until)
        .and_where(Expr::col("name").eq(name))
        .and_where(
            Expr::col("holder")
                .eq(holder)
                .or(Expr::col("expires_at").lt(now)),
        )
        .to_owned();
    if db.exec(&renewed).await? == 1 {
        return Ok(true);
    }
    let q = t
        .insert([
            ("name", name.into()),
            ("holder", holder.into()),
            ("expires_at", until.into()),
        ])
        .on_conflict(t.skip_existing(["name"]))
        .to_owned();
    db.exec(&q).await?;
    let now_held = self::holder(&mut db.clone(), name).await?;
    Ok(now_held.is_some_and(|(h, _)| h == holder))
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
