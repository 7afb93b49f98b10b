//! staff_ssh_keys: staff members' SSH public keys. Revoking keeps the row (with when and by
//! whom); the lookup by fingerprint, which the SSH server authenticates with, never returns a
//! revoked key nor the key of a deleted account.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};

use super::{Conn, Result, Tx, schema};

/// A key as lists show it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct SshKeyRow {
    pub id: i64,
    pub user_id: i64,
    pub algorithm: String,
    pub public_key: String,
    pub fingerprint: String,
    pub comment: Option<String>,
    pub created_by: Option<i64>,
    /// The name of who registered it, when that account still exists.
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<i64>,
}

pub struct NewSshKey<'a> {
    pub user_id: i64,
    pub algorithm: &'a str,
    pub public_key: &'a str,
    pub fingerprint: &'a str,
    pub comment: Option<&'a str>,
    pub created_by: Option<i64>,
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, k: &NewSshKey<'_>) -> Result<i64> {
    let q = schema::STAFF_SSH_KEYS.insert([
        ("user_id", k.user_id.into()),
        ("algorithm", k.algorithm.into()),
        ("public_key", k.public_key.into()),
        ("fingerprint", k.fingerprint.into()),
        ("comment", k.comment.into()),
        ("created_by", k.created_by.into()),
        ("created_at", k.now.into()),
    ]);
    tx.insert_id(&q).await
}

fn listed() -> SelectStatement {
    Query::select()
        .columns([
            ("k", "id"),
            ("k", "user_id"),
            ("k", "algorithm"),
            ("k", "public_key"),
            ("k", "fingerprint"),
            ("k", "comment"),
            ("k", "created_by"),
            ("k", "created_at"),
            ("k", "last_used_at"),
            ("k", "revoked_at"),
            ("k", "revoked_by"),
        ])
        .expr_as(Expr::col(("c", "name")), "created_by_name")
        .from_as("staff_ssh_keys", "k")
        .join_as(
            JoinType::LeftJoin,
            "users",
            "c",
            Expr::col(("c", "id")).equals(("k", "created_by")),
        )
        .to_owned()
}

/// A person's keys, live and revoked, oldest first.
pub async fn for_user(c: &mut impl Conn, user_id: i64) -> Result<Vec<SshKeyRow>> {
    let mut q = listed();
    q.and_where(Expr::col(("k", "user_id")).eq(user_id))
        .order_by(("k", "id"), Order::Asc);
    c.all(&q).await
}

/// The key with this fingerprint, revoked or not.
pub async fn by_fingerprint(c: &mut impl Conn, fingerprint: &str) -> Result<Option<SshKeyRow>> {
    let mut q = listed();
    q.and_where(Expr::col(("k", "fingerprint")).eq(fingerprint));
    c.opt(&q).await
}

/// The live key with this fingerprint whose account is not deleted: what authenticates.
pub async fn live_by_fingerprint(
    c: &mut impl Conn,
    fingerprint: &str,
) -> Result<Option<SshKeyRow>> {
    let mut q = listed();
    q.join_as(
        JoinType::InnerJoin,
        "users",
        "u",
        Expr::col(("u", "id")).equals(("k", "user_id")),
    )
    .and_where(Expr::col(("k", "fingerprint")).eq(fingerprint))
    .and_where(Expr::col(("k", "revoked_at")).is_null())
    .and_where(Expr::col(("u", "deleted_at")).is_null());
    c.opt(&q).await
}

/// Revokes a live key; false when it was already revoked.
pub async fn revoke(tx: &mut Tx, id: i64, by: Option<i64>, now: DateTime<Utc>) -> Result<bool> {
    let q = Query::update()
        .table("staff_ssh_keys")
        .value("revoked_at", now)
        .value("revoked_by", by)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("revoked_at").is_null())
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// Records a use of a live key at `now`; false when the key is revoked or unknown.
pub async fn mark_used(c: &mut impl Conn, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let q = Query::update()
        .table("staff_ssh_keys")
        .value("last_used_at", now)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("revoked_at").is_null())
        .to_owned();
    Ok(c.exec(&q).await? == 1)
}
