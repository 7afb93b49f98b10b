//! Conversations on projects and tickets: messages (public replies and internal notes) and
//! who is looking at or typing in a conversation (presence, for collision warnings).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query};

use super::{Conn, Result, Tx, schema};

pub async fn conversation_of(
    c: &mut impl Conn,
    subject_type: &str,
    subject_id: i64,
) -> Result<Option<i64>> {
    let q = Query::select()
        .column("id")
        .from("conversations")
        .and_where(Expr::col("subject_type").eq(subject_type))
        .and_where(Expr::col("subject_id").eq(subject_id))
        .to_owned();
    Ok(c.opt::<(i64,)>(&q).await?.map(|r| r.0))
}

/// The conversation of a subject, created on first use.
pub async fn ensure_conversation(
    tx: &mut Tx,
    subject_type: &str,
    subject_id: i64,
    title: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    if let Some(id) = conversation_of(tx, subject_type, subject_id).await? {
        return Ok(id);
    }
    let q = schema::CONVERSATIONS.insert_new(
        now,
        [
            ("subject_type", subject_type.into()),
            ("subject_id", subject_id.into()),
            ("title", title.into()),
        ],
    );
    tx.insert_id(&q).await
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub sender_id: Option<i64>,
    pub sender_name: Option<String>,
    pub body: String,
    pub is_internal: bool,
    pub created_at: Option<DateTime<Utc>>,
    /// A system message's key and values (`{"key": …, "args": {…}}`), so each reader sees it
    /// in their own language; `None` for people's messages and older system messages.
    #[sqlx(json(nullable))]
    pub data: Option<serde_json::Value>,
}

/// The latest `limit` messages, oldest first (newest at the bottom). Internal notes are left
/// out unless `with_internal`: they are never shown to the client.
pub async fn latest(
    c: &mut impl Conn,
    conversation_id: i64,
    limit: u64,
    with_internal: bool,
) -> Result<Vec<MessageRow>> {
    let mut q = Query::select();
    q.columns([
        ("m", "id"),
        ("m", "sender_id"),
        ("m", "body"),
        ("m", "is_internal"),
        ("m", "created_at"),
        ("m", "data"),
    ])
    .expr_as(Expr::col(("u", "name")), "sender_name")
    .from_as("messages", "m")
    .join_as(
        JoinType::LeftJoin,
        "users",
        "u",
        Expr::col(("u", "id")).equals(("m", "sender_id")),
    )
    .and_where(Expr::col(("m", "conversation_id")).eq(conversation_id))
    .and_where(Expr::col(("m", "deleted_at")).is_null())
    .order_by(("m", "id"), Order::Desc)
    .limit(limit);
    if !with_internal {
        q.and_where(Expr::col(("m", "is_internal")).eq(false));
    }
    let mut rows: Vec<MessageRow> = c.all(&q).await?;
    rows.reverse();
    Ok(rows)
}

pub async fn insert(
    tx: &mut Tx,
    conversation_id: i64,
    sender_id: Option<i64>,
    body: &str,
    internal: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = [
        ("conversation_id", conversation_id.into()),
        ("sender_id", sender_id.into()),
        ("body", body.into()),
        ("is_internal", internal.into()),
    ];
    insert_row(
        tx,
        conversation_id,
        schema::MESSAGES.insert_new(now, row),
        now,
    )
    .await
}

/// A system message (no sender, public): `body` in the client's language for the platform,
/// `data` its key and values for every other reader.
pub async fn insert_system(
    tx: &mut Tx,
    conversation_id: i64,
    body: &str,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = [
        ("conversation_id", conversation_id.into()),
        ("sender_id", Option::<i64>::None.into()),
        ("body", body.into()),
        ("is_internal", false.into()),
        ("data", data.into()),
    ];
    insert_row(
        tx,
        conversation_id,
        schema::MESSAGES.insert_new(now, row),
        now,
    )
    .await
}

async fn insert_row(
    tx: &mut Tx,
    conversation_id: i64,
    q: sea_query::InsertStatement,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = tx.insert_id(&q).await?;
    let touch = Query::update()
        .table("conversations")
        .values([("last_message_at", now.into()), ("updated_at", now.into())])
        .and_where(Expr::col("id").eq(conversation_id))
        .to_owned();
    tx.exec(&touch).await?;
    Ok(id)
}

/// Records that `user_id` is viewing (and maybe typing in) a conversation now.
pub async fn touch_presence(
    tx: &mut Tx,
    conversation_id: i64,
    user_id: i64,
    typing: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let typing_at: Option<DateTime<Utc>> = typing.then_some(now);
    let update = Query::update()
        .table("conversation_participants")
        .values([
            ("viewing_at", now.into()),
            ("typing_at", typing_at.into()),
            ("updated_at", now.into()),
        ])
        .and_where(Expr::col("conversation_id").eq(conversation_id))
        .and_where(Expr::col("user_id").eq(user_id))
        .to_owned();
    if tx.exec(&update).await? == 0 {
        let insert = schema::CONVERSATION_PARTICIPANTS.insert_new(
            now,
            [
                ("conversation_id", conversation_id.into()),
                ("user_id", user_id.into()),
                ("viewing_at", now.into()),
                ("typing_at", typing_at.into()),
            ],
        );
        tx.exec(&insert).await?;
    }
    Ok(())
}

/// Other people seen in a conversation since `since`: (name, typing).
pub async fn present(
    c: &mut impl Conn,
    conversation_id: i64,
    except_user: i64,
    since: DateTime<Utc>,
) -> Result<Vec<(String, bool)>> {
    let q = Query::select()
        .column(("u", "name"))
        .column(("p", "typing_at"))
        .from_as("conversation_participants", "p")
        .join_as(
            JoinType::InnerJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("p", "user_id")),
        )
        .and_where(Expr::col(("p", "conversation_id")).eq(conversation_id))
        .and_where(Expr::col(("p", "user_id")).ne(except_user))
        .and_where(Expr::col(("p", "viewing_at")).gte(since))
        .order_by(("u", "name_key"), Order::Asc)
        .order_by(("u", "id"), Order::Asc)
        .to_owned();
    let rows: Vec<(String, Option<DateTime<Utc>>)> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|(name, typing)| (name, typing.is_some_and(|t| t >= since)))
        .collect())
}
