//! Laravel database notifications: `data` keeps a type and parameters so each reader renders
//! the text in its own language.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde_json::Value as JsonValue;

use super::users::USER_TYPE;
use super::{Conn, Result, Tx, schema};

pub struct NewNotification<'a> {
    pub id: String,
    pub kind: &'a str,
    pub user_id: i64,
    pub data: JsonValue,
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, n: &NewNotification<'_>) -> Result<()> {
    let q = schema::NOTIFICATIONS.insert_new(
        n.now,
        [
            ("id", n.id.clone().into()),
            ("type", n.kind.into()),
            ("notifiable_type", USER_TYPE.into()),
            ("notifiable_id", n.user_id.into()),
            ("data", n.data.clone().into()),
        ],
    );
    tx.exec(&q).await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    #[sqlx(json)]
    pub data: JsonValue,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
}

pub async fn unread_count(c: &mut impl Conn, user_id: i64) -> Result<i64> {
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from("notifications")
        .and_where(Expr::col("notifiable_id").eq(user_id))
        .and_where(Expr::col("notifiable_type").eq(USER_TYPE))
        .and_where(Expr::col("read_at").is_null())
        .to_owned();
    Ok(c.one::<(i64,)>(&q).await?.0)
}

/// A user's notifications, unread first, then newest first.
pub async fn list(c: &mut impl Conn, user_id: i64, limit: u64) -> Result<Vec<NotificationRow>> {
    let q = Query::select()
        // Qualified: a uuid, which MySQL must not read as an unsigned id.
        .column(("notifications", "id"))
        .columns(["type", "data", "read_at", "created_at"])
        .from("notifications")
        .and_where(Expr::col("notifiable_id").eq(user_id))
        .and_where(Expr::col("notifiable_type").eq(USER_TYPE))
        .order_by_expr(
            Expr::cust("CASE WHEN read_at IS NULL THEN 0 ELSE 1 END"),
            Order::Asc,
        )
        .order_by("created_at", Order::Desc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}

/// Marks one (or, with `id` None, every) unread notification of the user as read.
pub async fn mark_read(
    tx: &mut Tx,
    user_id: i64,
    id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut q = Query::update()
        .table("notifications")
        .values([("read_at", now.into()), ("updated_at", now.into())])
        .and_where(Expr::col("notifiable_id").eq(user_id))
        .and_where(Expr::col("notifiable_type").eq(USER_TYPE))
        .and_where(Expr::col("read_at").is_null())
        .to_owned();
    if let Some(id) = id {
        q.and_where(Expr::col("id").eq(id));
    }
    tx.exec(&q).await
}

/// Notifications of one kind that a user received (tests and the inbox filter).
pub async fn of_kind(c: &mut impl Conn, user_id: i64, kind: &str) -> Result<Vec<NotificationRow>> {
    let q = Query::select()
        // Qualified: a uuid, which MySQL must not read as an unsigned id.
        .column(("notifications", "id"))
        .columns(["type", "data", "read_at", "created_at"])
        .from("notifications")
        .and_where(Expr::col("notifiable_id").eq(user_id))
        .and_where(Expr::col("type").eq(kind))
        .order_by("created_at", Order::Desc)
        .to_owned();
    c.all(&q).await
}
