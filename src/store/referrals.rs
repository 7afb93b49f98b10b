//! referral_codes and referrals: the codes users hand out (owner, reward rate, caps per
//! currency, uses, expiry, disabled state) and the people who signed up with them.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde_json::Value as JsonValue;

use super::page::{Keyset, finish};
use super::{Anchor, Conn, Cursor, Page, Result, SortDir, Tx, schema};

/// A code as lists show it, with its owner and how many people it brought.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CodeRow {
    pub id: i64,
    pub code: String,
    pub user_id: i64,
    pub owner_name: String,
    pub owner_email: String,
    pub reward_rate_bps: i64,
    /// Per currency: `{"XOF": {"per_reward": 20000, "per_referral": 50000}}`.
    #[sqlx(json(nullable))]
    pub reward_caps: Option<JsonValue>,
    pub max_uses: Option<i64>,
    pub uses: i64,
    pub expires_at: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_by: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: Option<DateTime<Utc>>,
    pub referred: i64,
    /// Of the people it brought, how many are flagged.
    pub flagged: i64,
}

pub struct NewCode<'a> {
    pub user_id: i64,
    pub code: &'a str,
    pub reward_rate_bps: i64,
    pub reward_caps: JsonValue,
    pub max_uses: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, c: &NewCode<'_>) -> Result<i64> {
    let q = schema::REFERRAL_CODES.insert([
        ("user_id", c.user_id.into()),
        ("code", c.code.into()),
        ("reward_rate_bps", c.reward_rate_bps.into()),
        ("reward_caps", c.reward_caps.clone().into()),
        ("max_uses", c.max_uses.into()),
        ("uses", 0i64.into()),
        ("expires_at", c.expires_at.into()),
        ("created_by", c.created_by.into()),
        ("created_at", c.now.into()),
        ("updated_at", c.now.into()),
    ]);
    tx.insert_id(&q).await
}

fn listed() -> SelectStatement {
    Query::select()
        .columns([
            ("k", "id"),
            ("k", "code"),
            ("k", "user_id"),
            ("k", "reward_rate_bps"),
            ("k", "reward_caps"),
            ("k", "max_uses"),
            ("k", "uses"),
            ("k", "expires_at"),
            ("k", "disabled_at"),
            ("k", "disabled_by"),
            ("k", "created_by"),
            ("k", "created_at"),
        ])
        .expr_as(Expr::col(("u", "name")), "owner_name")
        .expr_as(Expr::col(("u", "email")), "owner_email")
        .expr_as(
            Expr::cust("(SELECT COUNT(*) FROM referrals r WHERE r.referral_code_id = k.id)"),
            "referred",
        )
        .expr_as(
            Expr::cust(format!(
                "(SELECT COUNT(*) FROM referrals r WHERE r.referral_code_id = k.id AND {})",
                super::referral_flags::FLAGGED
            )),
            "flagged",
        )
        .from_as("referral_codes", "k")
        .join_as(
            JoinType::InnerJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("k", "user_id")),
        )
        .to_owned()
}

/// The newest codes first, at most `limit`.
pub async fn codes(c: &mut impl Conn, limit: u64) -> Result<Vec<CodeRow>> {
    let mut q = listed();
    q.order_by(("k", "id"), Order::Desc).limit(limit);
    c.all(&q).await
}

/// Codes, newest first, by keyset on the id (the `:referrals` view's window).
pub async fn page(c: &mut impl Conn, anchor: &Anchor, limit: u64) -> Result<Page<CodeRow>> {
    let mut q = listed();
    Keyset::by_id(Expr::col(("k", "id")), SortDir::Desc).apply(&mut q, anchor, limit);
    let rows = c.all(&q).await?;
    Ok(finish(rows, anchor, limit))
}

pub fn cursor(row: &CodeRow) -> Cursor {
    Cursor::id(row.id)
}

/// One code by its id.
pub async fn find(c: &mut impl Conn, id: i64) -> Result<Option<CodeRow>> {
    let mut q = listed();
    q.and_where(Expr::col(("k", "id")).eq(id));
    c.opt(&q).await
}

/// The code spelled `code` (codes are stored upper case).
pub async fn by_code(c: &mut impl Conn, code: &str) -> Result<Option<CodeRow>> {
    let mut q = listed();
    q.and_where(Expr::col(("k", "code")).eq(code.trim().to_uppercase()));
    c.opt(&q).await
}

/// Disables a code; false when it already was.
pub async fn disable(tx: &mut Tx, id: i64, by: Option<i64>, now: DateTime<Utc>) -> Result<bool> {
    let q = Query::update()
        .table("referral_codes")
        .value("disabled_at", now)
        .value("disabled_by", by)
        .value("updated_at", now)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("disabled_at").is_null())
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// Someone who signed up with a code.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReferredRow {
    pub id: i64,
    pub referred_user_id: i64,
    pub referred_name: String,
    pub referred_email: String,
    pub created_at: Option<DateTime<Utc>>,
    /// The referral's fraud signals: `[{"code": "shared_phone", "evidence": "+221…"}]`.
    #[sqlx(json(nullable))]
    pub flags: Option<JsonValue>,
}

/// The people a code brought, newest first, at most `limit`.
pub async fn referred_by(c: &mut impl Conn, code_id: i64, limit: u64) -> Result<Vec<ReferredRow>> {
    let q = Query::select()
        .columns([
            ("r", "id"),
            ("r", "referred_user_id"),
            ("r", "created_at"),
            ("r", "flags"),
        ])
        .expr_as(Expr::col(("u", "name")), "referred_name")
        .expr_as(Expr::col(("u", "email")), "referred_email")
        .from_as("referrals", "r")
        .join_as(
            JoinType::InnerJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("r", "referred_user_id")),
        )
        .and_where(Expr::col(("r", "referral_code_id")).eq(code_id))
        .order_by(("r", "id"), Order::Desc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}
