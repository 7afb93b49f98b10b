//! What access control reads and writes: back-office sessions (every TUI login, remembered or
//! not; only the SHA-256 of a token is stored), login attempts (throttling and audit), role
//! holders and role revocations.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use sqlx::types::Json;

use super::users::USER_TYPE;
use super::{Conn, Result, Tx, schema};

// --- sessions ----------------------------------------------------------------------------

pub struct NewSession<'a> {
    pub user_id: i64,
    pub token_hash: &'a str,
    pub host: &'a str,
    pub source: &'a str,
    pub remembered: bool,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The SSH key it was opened with (None: a password login).
    pub ssh_key_id: Option<i64>,
}

pub async fn insert_session(tx: &mut Tx, s: &NewSession<'_>) -> Result<i64> {
    let q = schema::STAFF_SESSIONS.insert([
        ("user_id", s.user_id.into()),
        ("token_hash", s.token_hash.into()),
        ("host", s.host.into()),
        ("source", s.source.into()),
        ("remembered", s.remembered.into()),
        ("created_at", s.now.into()),
        ("expires_at", s.expires_at.into()),
        ("last_used_at", s.now.into()),
        ("ssh_key_id", s.ssh_key_id.into()),
    ]);
    tx.insert_id(&q).await
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub host: Option<String>,
    pub source: Option<String>,
    pub remembered: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<i64>,
    pub revoked_by_name: Option<String>,
}

fn session_select() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            ("s", "id"),
            ("s", "user_id"),
            ("s", "host"),
            ("s", "source"),
            ("s", "remembered"),
            ("s", "created_at"),
            ("s", "expires_at"),
            ("s", "last_used_at"),
            ("s", "revoked_at"),
            ("s", "revoked_by"),
        ])
        .expr_as(Expr::col(("r", "name")), "revoked_by_name")
        .from_as("staff_sessions", "s")
        .join_as(
            JoinType::LeftJoin,
            "users",
            "r",
            Expr::col(("r", "id")).equals(("s", "revoked_by")),
        )
        .to_owned()
}

pub async fn session(c: &mut impl Conn, id: i64) -> Result<Option<SessionRow>> {
    let q = session_select()
        .and_where(Expr::col(("s", "id")).eq(id))
        .to_owned();
    c.opt(&q).await
}

/// The session of a live (unrevoked, unexpired) token: (session id, user id).
pub async fn live_token(
    c: &mut impl Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i64)>> {
    let q = Query::select()
        .columns(["id", "user_id"])
        .from("staff_sessions")
        .and_where(Expr::col("token_hash").eq(token_hash))
        .and_where(Expr::col("revoked_at").is_null())
        .and_where(Expr::col("expires_at").gt(now))
        .to_owned();
    c.opt(&q).await
}

/// A person's sessions, newest first; ended ones (revoked or expired) only with `all`.
pub async fn sessions_of(
    c: &mut impl Conn,
    user_id: i64,
    all: bool,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<SessionRow>> {
    let mut q = session_select()
        .and_where(Expr::col(("s", "user_id")).eq(user_id))
        .order_by(("s", "id"), Order::Desc)
        .limit(limit)
        .to_owned();
    if !all {
        q.and_where(Expr::col(("s", "revoked_at")).is_null())
            .and_where(Expr::col(("s", "expires_at")).gt(now));
    }
    c.all(&q).await
}

pub async fn session_by_token(c: &mut impl Conn, token_hash: &str) -> Result<Option<SessionRow>> {
    let q = session_select()
        .and_where(Expr::col(("s", "token_hash")).eq(token_hash))
        .to_owned();
    c.opt(&q).await
}

/// Ends one session; false when it had already ended.
pub async fn revoke_session(
    tx: &mut Tx,
    id: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = revoking(by, now)
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    Ok(tx.exec(&q).await? > 0)
}

/// Ends the sessions not ended yet that the caller's conditions pick.
fn revoking(by: Option<i64>, now: DateTime<Utc>) -> sea_query::UpdateStatement {
    Query::update()
        .table("staff_sessions")
        .values([("revoked_at", now.into()), ("revoked_by", by.into())])
        .and_where(Expr::col("revoked_at").is_null())
        .to_owned()
}

/// Ends every live session of a person; returns how many.
pub async fn revoke_sessions_of(
    tx: &mut Tx,
    user_id: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let q = revoking(by, now)
        .and_where(Expr::col("user_id").eq(user_id))
        .and_where(Expr::col("expires_at").gt(now))
        .to_owned();
    tx.exec(&q).await
}

/// Ends the live sessions opened with SSH key `key_id`.
pub async fn revoke_sessions_of_key(
    tx: &mut Tx,
    key_id: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let q = revoking(by, now)
        .and_where(Expr::col("ssh_key_id").eq(key_id))
        .and_where(Expr::col("expires_at").gt(now))
        .to_owned();
    tx.exec(&q).await
}

pub async fn touch_session(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<u64> {
    let q = Query::update()
        .table("staff_sessions")
        .value("last_used_at", now)
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    tx.exec(&q).await
}

// --- login attempts ----------------------------------------------------------------------

pub struct NewAttempt<'a> {
    pub email: &'a str,
    pub user_id: Option<i64>,
    pub source: &'a str,
    pub succeeded: bool,
    pub reason: Option<&'a str>,
    pub now: DateTime<Utc>,
}

pub async fn insert_attempt(tx: &mut Tx, a: &NewAttempt<'_>) -> Result<i64> {
    let q = schema::LOGIN_ATTEMPTS.insert([
        ("email", a.email.into()),
        ("user_id", a.user_id.into()),
        ("source", a.source.into()),
        ("succeeded", a.succeeded.into()),
        ("reason", a.reason.map(str::to_owned).into()),
        ("created_at", a.now.into()),
    ]);
    tx.insert_id(&q).await
}

/// Which attempts count together for throttling.
#[derive(Clone, Copy, Debug)]
pub enum AttemptsOf<'a> {
    Email(&'a str),
    Source(&'a str),
}

/// Times of the failed attempts (wrong password, unknown account: not those refused by the
/// throttle itself) after `since` and after the last success of the same email or source.
pub async fn failures(
    c: &mut impl Conn,
    of: AttemptsOf<'_>,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>> {
    let key = |q: &mut sea_query::SelectStatement| {
        match of {
            AttemptsOf::Email(e) => q.and_where(Expr::col("email").eq(e)),
            AttemptsOf::Source(s) => q.and_where(Expr::col("source").eq(s)),
        };
    };
    let mut last_success = Query::select()
        .expr(Expr::col("created_at").max())
        .from("login_attempts")
        .and_where(Expr::col("succeeded").eq(true))
        .and_where(Expr::col("created_at").gt(since))
        .to_owned();
    key(&mut last_success);
    let (ok,): (Option<DateTime<Utc>>,) = c.one(&last_success).await?;
    let mut q = Query::select()
        .column("created_at")
        .from("login_attempts")
        .and_where(Expr::col("succeeded").eq(false))
        .and_where(Expr::col("reason").ne("throttled"))
        .and_where(Expr::col("created_at").gt(std::cmp::max(ok.unwrap_or(since), since)))
        // The newest: the delay counts from the last failure.
        .order_by("created_at", Order::Desc)
        .limit(100)
        .to_owned();
    key(&mut q);
    let rows: Vec<(DateTime<Utc>,)> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

// --- roles -------------------------------------------------------------------------------

/// Takes the role's row lock so decisions on its holders (the last super-admin) take turns
/// (SQLite write transactions are already serialised by `BEGIN IMMEDIATE`).
pub async fn lock_role(tx: &mut Tx, role_id: i64) -> Result<()> {
    let q = Query::select()
        .column("id")
        .from("roles")
        .and_where(Expr::col("id").eq(role_id))
        .lock(sea_query::LockType::Update)
        .to_owned();
    tx.opt::<(i64,)>(&q).await?;
    Ok(())
}

/// Accounts (not deleted) holding a role.
pub async fn role_holders(c: &mut impl Conn, role_id: i64) -> Result<Vec<i64>> {
    let q = Query::select()
        .column(("users", "id"))
        .from("model_has_roles")
        .inner_join(
            "users",
            Expr::col(("users", "id")).equals(("model_has_roles", "model_id")),
        )
        .and_where(Expr::col(("model_has_roles", "model_type")).eq(USER_TYPE))
        .and_where(Expr::col(("model_has_roles", "role_id")).eq(role_id))
        .and_where(Expr::col(("users", "deleted_at")).is_null())
        .order_by(("users", "id"), Order::Asc)
        .to_owned();
    let rows: Vec<(i64,)> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The permission names a role carries.
pub async fn role_permissions(c: &mut impl Conn, role_id: i64) -> Result<Vec<String>> {
    let q = Query::select()
        .column(("permissions", "name"))
        .from("role_has_permissions")
        .inner_join(
            "permissions",
            Expr::col(("permissions", "id")).equals(("role_has_permissions", "permission_id")),
        )
        .and_where(Expr::col(("role_has_permissions", "role_id")).eq(role_id))
        .order_by(("permissions", "name"), Order::Asc)
        .to_owned();
    let rows: Vec<(String,)> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A role taken from someone, as the audit log recorded it.
#[derive(Clone, Debug, PartialEq)]
pub struct Revocation {
    pub role: String,
    pub at: DateTime<Utc>,
    pub by: Option<String>,
}

/// The latest role revocations of a person, newest first.
pub async fn revocations(c: &mut impl Conn, user_id: i64, limit: u64) -> Result<Vec<Revocation>> {
    let q = Query::select()
        .columns([("a", "old_values"), ("a", "created_at")])
        .column(("u", "name"))
        .from_as("audit_logs", "a")
        .join_as(
            JoinType::LeftJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("a", "user_id")),
        )
        .and_where(Expr::col(("a", "auditable_type")).eq(USER_TYPE))
        .and_where(Expr::col(("a", "auditable_id")).eq(user_id))
        .and_where(Expr::col(("a", "event")).eq("role_revoked"))
        .order_by(("a", "id"), Order::Desc)
        .limit(limit)
        .to_owned();
    type Row = (
        Option<Json<serde_json::Value>>,
        DateTime<Utc>,
        Option<String>,
    );
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(old, at, by)| {
            let role = old?.0.get("role")?.as_str()?.to_owned();
            Some(Revocation { role, at, by })
        })
        .collect())
}

/// Marks an account deleted (the row stays: audit rows and projects point at it).
pub async fn soft_delete_user(tx: &mut Tx, user_id: i64, now: DateTime<Utc>) -> Result<bool> {
    let q = Query::update()
        .table("users")
        .values([("deleted_at", now.into()), ("updated_at", now.into())])
        .and_where(Expr::col("id").eq(user_id))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned();
    Ok(tx.exec(&q).await? > 0)
}
