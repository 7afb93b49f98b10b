//! webhook_events: the outbox, written in the same transaction as the change it announces.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Query};
use serde_json::Value as JsonValue;

use super::{Conn, Result, Tx, schema};

pub async fn insert(
    tx: &mut Tx,
    event_id: &str,
    kind: &str,
    payload: JsonValue,
    now: DateTime<Utc>,
) -> Result<i64> {
    let q = schema::WEBHOOK_EVENTS.insert([
        ("event_id", event_id.into()),
        ("type", kind.into()),
        ("payload", payload.into()),
        ("created_at", now.into()),
    ]);
    tx.insert_id(&q).await
}

pub async fn count_of_type(c: &mut impl Conn, kind: &str) -> Result<i64> {
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from("webhook_events")
        .and_where(Expr::col("type").eq(kind))
        .to_owned();
    Ok(c.one::<(i64,)>(&q).await?.0)
}
