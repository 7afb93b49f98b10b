//! The money side of referral rewards: the rewards a project's refund reverses, the approved
//! rewards and open clawbacks a payout batch takes, the rewards a payout paid or netted, and
//! the whole-table reads `ledger verify` checks them with.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement, Value};

use super::{Conn, Result, Tx, schema};

/// A reward as its money needs it: amount, state, version, referrer, the commission's project.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RewardMoney {
    pub id: i64,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub lock_version: i64,
    pub referrer_id: i64,
    pub referrer_name: String,
    pub project_id: i64,
    pub project_title: String,
    pub payout_id: Option<i64>,
    pub recovered_payout_id: Option<i64>,
}

/// Rewards with their referral, referrer and commission (aliases w, r, u, c).
fn joined() -> SelectStatement {
    Query::select()
        .columns([("w", "id"), ("w", "amount"), ("w", "currency")])
        .column(("r", "referrer_id"))
        .expr_as(Expr::col(("u", "name")), "referrer_name")
        .expr_as(Expr::col(("c", "project_id")), "project_id")
        .from_as("referral_rewards", "w")
        .join_as(
            JoinType::InnerJoin,
            "referrals",
            "r",
            Expr::col(("r", "id")).equals(("w", "referral_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("r", "referrer_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "commissions",
            "c",
            Expr::col(("c", "id")).equals(("w", "commission_id")),
        )
        .to_owned()
}

fn select() -> SelectStatement {
    joined()
        .columns([
            ("w", "status"),
            ("w", "lock_version"),
            ("w", "payout_id"),
            ("w", "recovered_payout_id"),
        ])
        .expr_as(Expr::col(("p", "title")), "project_title")
        .join_as(
            JoinType::InnerJoin,
            "projects",
            "p",
            Expr::col(("p", "id")).equals(("c", "project_id")),
        )
        .to_owned()
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<RewardMoney>> {
    let mut q = select();
    q.and_where(Expr::col(("w", "id")).eq(id));
    c.opt(&q).await
}

/// The rewards a refund on `project_id` may reverse: earned on its platform commissions and
/// not yet ended (held, pending, approved or paid), oldest first.
pub async fn reversible_of_project(c: &mut impl Conn, project_id: i64) -> Result<Vec<RewardMoney>> {
    let mut q = select();
    q.and_where(Expr::col(("c", "project_id")).eq(project_id))
        .and_where(Expr::col(("w", "status")).is_in(["held", "pending", "approved", "paid"]))
        .order_by(("w", "id"), Order::Asc);
    c.all(&q).await
}

/// Approved rewards waiting for a payout, with where their referrer is paid (the profile that
/// has a payout method, a developer's first), referrers by id, then oldest first.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Owed {
    pub id: i64,
    pub amount: i64,
    pub currency: String,
    pub referrer_id: i64,
    pub referrer_name: String,
    pub project_id: i64,
    pub payout_method: Option<String>,
    pub payout_account: Option<String>,
}

fn owed_select(status: &str) -> SelectStatement {
    let method = |column: &'static str| {
        Expr::cust(format!(
            "(SELECT pr.{column} FROM profiles pr WHERE pr.user_id = r.referrer_id \
             AND pr.payout_method IS NOT NULL ORDER BY CASE WHEN pr.type = 'developer' \
             THEN 0 ELSE 1 END, pr.id LIMIT 1)"
        ))
    };
    joined()
        .expr_as(method("payout_method"), "payout_method")
        .expr_as(method("payout_account"), "payout_account")
        .and_where(Expr::col(("w", "status")).eq(status))
        .order_by(("r", "referrer_id"), Order::Asc)
        .order_by(("w", "id"), Order::Asc)
        .to_owned()
}

/// Approved rewards not yet paid out (at most `limit`).
pub async fn approved(c: &mut impl Conn, limit: u64) -> Result<Vec<Owed>> {
    let mut q = owed_select("approved");
    q.limit(limit);
    c.all(&q).await
}

/// Clawed-back rewards their referrer still owes (no payout netted them yet).
pub async fn open_clawbacks(c: &mut impl Conn, limit: u64) -> Result<Vec<Owed>> {
    let mut q = owed_select("clawed_back");
    q.and_where(Expr::col(("w", "recovered_payout_id")).is_null())
        .limit(limit);
    c.all(&q).await
}

/// Moves a reward from `from` (at `lock_version`) with `values`; false when someone moved it
/// first.
pub async fn cas_move(
    tx: &mut Tx,
    id: i64,
    from: &str,
    lock_version: i64,
    values: Vec<(&'static str, Value)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = schema::REFERRAL_REWARDS
        .cas_update(id, lock_version, values, now)
        .and_where(Expr::col("status").eq(from))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// The rewards payout `payout_id` paid, and the clawbacks it netted.
pub async fn of_payout(c: &mut impl Conn, payout_id: i64) -> Result<Vec<RewardMoney>> {
    let mut q = select();
    q.and_where(
        Expr::col(("w", "payout_id"))
            .eq(payout_id)
            .or(Expr::col(("w", "recovered_payout_id")).eq(payout_id)),
    )
    .order_by(("w", "id"), Order::Asc);
    c.all(&q).await
}

/// Every reward for `ledger verify`: (id, amount, currency, status, recovered).
pub async fn all_for_checks(c: &mut impl Conn) -> Result<Vec<(i64, i64, String, String, bool)>> {
    let q = Query::select()
        .columns(["id", "amount", "currency", "status"])
        .expr(Expr::cust(
            "CASE WHEN recovered_payout_id IS NULL THEN 0 ELSE 1 END",
        ))
        .from("referral_rewards")
        .order_by("id", Order::Asc)
        .to_owned();
    let rows: Vec<(i64, i64, String, String, i32)> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|(id, a, cur, s, r)| (id, a, cur, s, r != 0))
        .collect())
}

/// Every transfer that moved a reward's money, for `ledger verify`: (code, key, amount).
pub async fn transfers_for_checks(c: &mut impl Conn) -> Result<Vec<(i64, String, i64)>> {
    use super::escrows::code;
    let q = Query::select()
        .expr(Expr::cust("CAST(code AS BIGINT)"))
        .column("idempotency_key")
        .expr(Expr::cust("CAST(amount AS BIGINT)"))
        .from("ledger_transfers")
        .and_where(
            Expr::col("code")
                .is_in([
                    code::REFERRAL,
                    code::REFERRAL_REVERSAL,
                    code::CLAWBACK,
                    code::NETTING,
                    code::CLAWBACK_SETTLED,
                ])
                .or(Expr::col("code")
                    .eq(code::PAYOUT)
                    .and(Expr::col("idempotency_key").like("payout:t%:w%"))),
        )
        .to_owned();
    c.all(&q).await
}
