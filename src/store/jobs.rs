//! What the worker's scheduled jobs read and mark: tickets past their SLA not yet announced,
//! and back-office sessions past their expiry not yet ended.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};

use super::{Conn, Result, Tx};

/// A ticket whose SLA passed, to announce.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Breach {
    pub id: i64,
    pub reference: String,
    pub subject: String,
    pub assignee_id: Option<i64>,
}

/// Open tickets breached at `now` (`sla_breach_at`, migration 0022) and not yet announced.
pub async fn breaches_to_announce(
    c: &mut impl Conn,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Breach>> {
    let q = Query::select()
        .columns(["id", "reference", "subject", "assignee_id"])
        .from("support_tickets")
        .and_where(Expr::col("sla_breach_at").lte(now.timestamp()))
        .and_where(Expr::col("sla_breach_notified_at").is_null())
        .and_where(Expr::col("status").is_not_in(["solved", "closed"]))
        .order_by("id", Order::Asc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}

/// Marks ticket `id`'s breach announced; false when another worker did first.
pub async fn mark_breach_announced(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let q = Query::update()
        .table("support_tickets")
        .value("sla_breach_notified_at", now)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("sla_breach_notified_at").is_null())
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// Marks every breach at or before `at` announced (the generated history already told people
/// about its own).
pub async fn mark_breaches_before(tx: &mut Tx, at: DateTime<Utc>) -> Result<u64> {
    let q = Query::update()
        .table("support_tickets")
        .value("sla_breach_notified_at", at)
        .and_where(Expr::col("sla_breach_at").lte(at.timestamp()))
        .and_where(Expr::col("sla_breach_notified_at").is_null())
        .to_owned();
    tx.exec(&q).await
}

/// Sessions past their expiry and not ended: (session id, user id, expiry).
pub async fn sessions_past_expiry(
    c: &mut impl Conn,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(i64, i64, DateTime<Utc>)>> {
    let q = Query::select()
        .columns(["id", "user_id", "expires_at"])
        .from("staff_sessions")
        .and_where(Expr::col("revoked_at").is_null())
        .and_where(Expr::col("expires_at").lte(now))
        .order_by("id", Order::Asc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}

/// Ends session `id` at its expiry, by nobody; false when it had ended already.
pub async fn end_session_at_expiry(tx: &mut Tx, id: i64) -> Result<bool> {
    let q = Query::update()
        .table("staff_sessions")
        .value("revoked_at", Expr::col("expires_at"))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("revoked_at").is_null())
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}
