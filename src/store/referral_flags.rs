//! What the fraud signals of a referral are computed from (each party's e-mail, phone, payout
//! account and sign-up time; projects between the two; the code's uses on one day), the
//! signals stored on the referral with the time they were checked, and the referrals as
//! `referral list` shows them.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde_json::Value as JsonValue;

use super::{Conn, Result, Tx};

/// A referral as the check reads it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Checked {
    pub id: i64,
    pub referral_code_id: i64,
    pub referrer_id: i64,
    pub referred_user_id: i64,
    pub created_at: Option<DateTime<Utc>>,
    #[sqlx(json(nullable))]
    pub flags: Option<JsonValue>,
    pub flags_checked_at: Option<DateTime<Utc>>,
}

/// One referral, for the check.
pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<Checked>> {
    let q = Query::select()
        .columns([
            "id",
            "referral_code_id",
            "referrer_id",
            "referred_user_id",
            "created_at",
            "flags",
            "flags_checked_at",
        ])
        .from("referrals")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    c.opt(&q).await
}

/// What the platform knows of one party: `users` has no sign-up address, so none is read.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Known {
    pub id: i64,
    pub email: String,
    pub phone: Option<String>,
    /// The developer profile's payout account, else the client profile's.
    pub payout_account: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

pub async fn known(c: &mut impl Conn, user_id: i64) -> Result<Option<Known>> {
    // 'developer' sorts after 'client': its account comes first.
    let account = "(SELECT p.payout_account FROM profiles p WHERE p.user_id = u.id \
                   AND p.payout_account IS NOT NULL AND p.payout_account <> '' \
                   ORDER BY p.type DESC LIMIT 1)";
    let q = Query::select()
        .columns([
            ("u", "id"),
            ("u", "email"),
            ("u", "phone"),
            ("u", "created_at"),
        ])
        .expr_as(Expr::cust(account), "payout_account")
        .from_as("users", "u")
        .and_where(Expr::col(("u", "id")).eq(user_id))
        .to_owned();
    c.opt(&q).await
}

/// Projects between two users, either way round (one the client, the other the developer),
/// oldest first.
pub async fn projects_between(c: &mut impl Conn, a: i64, b: i64) -> Result<Vec<i64>> {
    let pair = |client: i64, developer: i64| {
        Expr::col("client_id")
            .eq(client)
            .and(Expr::col("developer_id").eq(developer))
    };
    let q = Query::select()
        .column("id")
        .from("projects")
        .and_where(pair(a, b).or(pair(b, a)))
        .and_where(Expr::col("deleted_at").is_null())
        .order_by("id", Order::Asc)
        .to_owned();
    let rows: Vec<(i64,)> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Referrals made with code `code_id` in `[from, to)`.
pub async fn uses_between(
    c: &mut impl Conn,
    code_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<i64> {
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from("referrals")
        .and_where(Expr::col("referral_code_id").eq(code_id))
        .and_where(Expr::col("created_at").gte(from))
        .and_where(Expr::col("created_at").lt(to))
        .to_owned();
    Ok(c.one::<(i64,)>(&q).await?.0)
}

/// Up to `limit` referrals after id `after`, by id: only those never checked when `unchecked`.
pub async fn ids_after(
    c: &mut impl Conn,
    after: i64,
    unchecked: bool,
    limit: u64,
) -> Result<Vec<i64>> {
    let mut q = Query::select()
        .column("id")
        .from("referrals")
        .and_where(Expr::col("id").gt(after))
        .order_by("id", Order::Asc)
        .limit(limit)
        .to_owned();
    if unchecked {
        q.and_where(Expr::col("flags_checked_at").is_null());
    }
    let rows: Vec<(i64,)> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Referrals between two users, either way round.
pub async fn between(c: &mut impl Conn, a: i64, b: i64) -> Result<Vec<i64>> {
    let pair = |referrer: i64, referred: i64| {
        Expr::col("referrer_id")
            .eq(referrer)
            .and(Expr::col("referred_user_id").eq(referred))
    };
    let q = Query::select()
        .column("id")
        .from("referrals")
        .and_where(pair(a, b).or(pair(b, a)))
        .order_by("id", Order::Asc)
        .to_owned();
    let rows: Vec<(i64,)> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Stores a referral's signals and when they were checked (`updated_at` moves only when the
/// signals changed).
pub async fn store(
    tx: &mut Tx,
    id: i64,
    flags: Option<&JsonValue>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut q = Query::update()
        .table("referrals")
        .value("flags_checked_at", now)
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    if let Some(flags) = flags {
        q.value("flags", flags.clone()).value("updated_at", now);
    }
    tx.exec(&q).await?;
    Ok(())
}

/// A referral as `referral list` shows it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReferralRow {
    pub id: i64,
    pub code: String,
    pub referrer_id: i64,
    pub referrer_name: String,
    pub referrer_email: String,
    pub referred_user_id: i64,
    pub referred_name: String,
    pub referred_email: String,
    pub created_at: Option<DateTime<Utc>>,
    #[sqlx(json(nullable))]
    pub flags: Option<JsonValue>,
    pub flags_checked_at: Option<DateTime<Utc>>,
}

/// A non-empty array, as each backend writes JSON as text (`[]` for none).
pub const FLAGGED: &str =
    "(r.flags IS NOT NULL AND CAST(r.flags AS TEXT) NOT IN ('[]', 'null', ''))";

fn listed() -> SelectStatement {
    Query::select()
        .columns([
            ("r", "id"),
            ("r", "referrer_id"),
            ("r", "referred_user_id"),
            ("r", "created_at"),
            ("r", "flags"),
            ("r", "flags_checked_at"),
        ])
        .expr_as(Expr::col(("k", "code")), "code")
        .expr_as(Expr::col(("a", "name")), "referrer_name")
        .expr_as(Expr::col(("a", "email")), "referrer_email")
        .expr_as(Expr::col(("b", "name")), "referred_name")
        .expr_as(Expr::col(("b", "email")), "referred_email")
        .from_as("referrals", "r")
        .join_as(
            JoinType::InnerJoin,
            "referral_codes",
            "k",
            Expr::col(("k", "id")).equals(("r", "referral_code_id")),
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
        .to_owned()
}

/// Referrals newest first (by sign-up time, those without one last), only the flagged ones
/// when `flagged`, at most `limit`.
pub async fn list(c: &mut impl Conn, flagged: bool, limit: u64) -> Result<Vec<ReferralRow>> {
    let mut q = listed();
    if flagged {
        q.and_where(Expr::cust(FLAGGED));
    }
    q.order_by_expr(
        Expr::cust("CASE WHEN r.created_at IS NULL THEN 1 ELSE 0 END"),
        Order::Asc,
    )
    .order_by(("r", "created_at"), Order::Desc)
    .order_by(("r", "id"), Order::Desc)
    .limit(limit);
    c.all(&q).await
}
