//! referral_rewards: what referrers earn on the platform commissions of the people they
//! brought, one per referral × commission (a unique key), held, then pending approval.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, Value};
use serde_json::Value as JsonValue;

use super::page::{Keyset, finish};
use super::{Anchor, Conn, Cursor, Page, Result, SortDir, Tx, schema};

/// A referral that may earn on a commission: who brought whom, when, with which code's terms.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Attributed {
    pub referral_id: i64,
    pub referrer_id: i64,
    pub referred_user_id: i64,
    pub referred_at: Option<DateTime<Utc>>,
    pub reward_rate_bps: i64,
    #[sqlx(json(nullable))]
    pub reward_caps: Option<JsonValue>,
}

/// The referrals that brought any of `users` (a project's client and developer).
pub async fn attributions(c: &mut impl Conn, users: &[i64]) -> Result<Vec<Attributed>> {
    let q = Query::select()
        .expr_as(Expr::col(("r", "id")), "referral_id")
        .columns([("r", "referrer_id"), ("r", "referred_user_id")])
        .expr_as(Expr::col(("r", "created_at")), "referred_at")
        .columns([("k", "reward_rate_bps"), ("k", "reward_caps")])
        .from_as("referrals", "r")
        .join_as(
            JoinType::InnerJoin,
            "referral_codes",
            "k",
            Expr::col(("k", "id")).equals(("r", "referral_code_id")),
        )
        .and_where(Expr::col(("r", "referred_user_id")).is_in(users.iter().copied()))
        .order_by(("r", "id"), Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Takes the referral's row lock, so that two payments earning on it take turns and its
/// per-referral cap holds (SQLite write transactions are already serialised).
pub async fn lock_referral(tx: &mut Tx, referral_id: i64) -> Result<()> {
    let q = Query::select()
        .column("id")
        .from("referrals")
        .and_where(Expr::col("id").eq(referral_id))
        .lock(sea_query::LockType::Update)
        .to_owned();
    tx.opt::<(i64,)>(&q).await?;
    Ok(())
}

/// Statuses whose amount counts against a referral's cap (still owed, or paid and kept).
pub const EARNED: [&str; 4] = ["held", "pending", "approved", "paid"];

/// What a referral already earned in `currency` (the per-referral cap's measure).
pub async fn earned(c: &mut impl Conn, referral_id: i64, currency: &str) -> Result<i64> {
    let q = Query::select()
        .expr(Expr::cust("CAST(COALESCE(SUM(amount), 0) AS BIGINT)"))
        .from("referral_rewards")
        .and_where(Expr::col("referral_id").eq(referral_id))
        .and_where(Expr::col("currency").eq(currency))
        .and_where(Expr::col("status").is_in(EARNED))
        .to_owned();
    Ok(c.one::<(i64,)>(&q).await?.0)
}

pub struct NewReward<'a> {
    pub referral_id: i64,
    pub commission_id: i64,
    pub amount: i64,
    pub currency: &'a str,
    pub due_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

/// Records a held reward; false when this referral already earned on this commission.
pub async fn insert_held(tx: &mut Tx, r: &NewReward<'_>) -> Result<bool> {
    let t = schema::REFERRAL_REWARDS;
    let exists = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(t.name)
        .and_where(Expr::col("referral_id").eq(r.referral_id))
        .and_where(Expr::col("commission_id").eq(r.commission_id))
        .to_owned();
    if tx.one::<(i64,)>(&exists).await?.0 > 0 {
        return Ok(false);
    }
    let q = t
        .insert([
            ("referral_id", r.referral_id.into()),
            ("commission_id", r.commission_id.into()),
            ("amount", r.amount.into()),
            ("currency", r.currency.into()),
            ("status", "held".into()),
            ("lock_version", 0.into()),
            ("created_at", r.now.into()),
            ("updated_at", r.now.into()),
            ("due_at", r.due_at.into()),
        ])
        .on_conflict(t.skip_existing(["referral_id", "commission_id"]))
        .to_owned();
    tx.exec(&q).await?;
    Ok(true)
}

/// A reward as lists show it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RewardRow {
    pub id: i64,
    pub referral_id: i64,
    pub commission_id: i64,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub due_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub referrer_id: i64,
    pub referrer_name: String,
    pub referred_user_id: i64,
    pub referred_name: String,
    #[sqlx(json(nullable))]
    pub flags: Option<JsonValue>,
}

/// Rewards newest first, of one status or all, at most `limit`. A held reward whose hold has
/// passed by `now` reads (and filters) as pending.
pub async fn list(
    c: &mut impl Conn,
    status: Option<&str>,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<RewardRow>> {
    let mut q = select(status, now);
    q.order_by(("w", "id"), Order::Desc).limit(limit);
    c.all(&q).await
}

/// A window of rewards, newest first (keyset on the id), as [`list`] reads them.
pub async fn page(
    c: &mut impl Conn,
    now: DateTime<Utc>,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<RewardRow>> {
    let mut q = select(None, now);
    Keyset::by_id(Expr::col(("w", "id")), SortDir::Desc).apply(&mut q, anchor, limit);
    Ok(finish(c.all(&q).await?, anchor, limit))
}

pub fn cursor(row: &RewardRow) -> Cursor {
    Cursor::id(row.id)
}

fn select(status: Option<&str>, now: DateTime<Utc>) -> sea_query::SelectStatement {
    let held = Expr::col(("w", "status")).eq("held");
    let due = Expr::col(("w", "due_at")).lte(now);
    let shown =
        Expr::case(held.clone().and(due.clone()), "pending").finally(Expr::col(("w", "status")));
    let mut q = Query::select()
        .columns([
            ("w", "id"),
            ("w", "referral_id"),
            ("w", "commission_id"),
            ("w", "amount"),
            ("w", "currency"),
        ])
        .expr_as(shown, "status")
        .columns([("w", "due_at"), ("w", "created_at")])
        .columns([
            ("r", "referrer_id"),
            ("r", "referred_user_id"),
            ("r", "flags"),
        ])
        .expr_as(Expr::col(("a", "name")), "referrer_name")
        .expr_as(Expr::col(("b", "name")), "referred_name")
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
            "a",
            Expr::col(("a", "id")).equals(("r", "referrer_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "users",
            "b",
            Expr::col(("b", "id")).equals(("r", "referred_user_id")),
        )
        .to_owned();
    match status {
        Some("pending") => {
            q.and_where(Expr::col(("w", "status")).eq("pending").or(held.and(due)));
        }
        Some("held") => {
            q.and_where(held.and(due.not()));
        }
        Some(s) => {
            q.and_where(Expr::col(("w", "status")).eq(s));
        }
        None => {}
    }
    q
}

/// A reward as a decision needs it: its state, version, approvals and its referral's flags.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Decided {
    pub id: i64,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub lock_version: i64,
    pub due_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub first_approved_by: Option<i64>,
    pub first_approved_at: Option<DateTime<Utc>>,
    pub first_approver_name: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub approver_name: Option<String>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub rejecter_name: Option<String>,
    #[sqlx(json(nullable))]
    pub flags: Option<JsonValue>,
}

pub async fn decided(c: &mut impl Conn, id: i64) -> Result<Option<Decided>> {
    let staff =
        |alias: &'static str, by: &'static str| (alias, Expr::col((alias, "id")).equals(("w", by)));
    let mut q = Query::select()
        .columns([
            ("w", "id"),
            ("w", "amount"),
            ("w", "currency"),
            ("w", "status"),
            ("w", "lock_version"),
            ("w", "due_at"),
            ("w", "updated_at"),
            ("w", "first_approved_by"),
            ("w", "first_approved_at"),
            ("w", "approved_at"),
            ("w", "rejected_at"),
        ])
        .column(("r", "flags"))
        .expr_as(Expr::col(("fa", "name")), "first_approver_name")
        .expr_as(Expr::col(("ap", "name")), "approver_name")
        .expr_as(Expr::col(("rj", "name")), "rejecter_name")
        .from_as("referral_rewards", "w")
        .join_as(
            JoinType::InnerJoin,
            "referrals",
            "r",
            Expr::col(("r", "id")).equals(("w", "referral_id")),
        )
        .and_where(Expr::col(("w", "id")).eq(id))
        .to_owned();
    for (alias, on) in [
        staff("fa", "first_approved_by"),
        staff("ap", "approved_by"),
        staff("rj", "rejected_by"),
    ] {
        q.join_as(JoinType::LeftJoin, "users", alias, on);
    }
    c.opt(&q).await
}

/// Compare-and-set on a reward still at `status` and `lock_version`.
pub async fn cas_update(
    tx: &mut Tx,
    id: i64,
    status: &str,
    lock_version: i64,
    values: Vec<(&'static str, Value)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = schema::REFERRAL_REWARDS
        .cas_update(id, lock_version, values, now)
        .and_where(Expr::col("status").eq(status))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// One reward as lists show it.
pub async fn get(c: &mut impl Conn, id: i64, now: DateTime<Utc>) -> Result<Option<RewardRow>> {
    let mut q = select(None, now);
    q.and_where(Expr::col(("w", "id")).eq(id));
    c.opt(&q).await
}
