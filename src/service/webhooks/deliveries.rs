//! Deliveries staff ask for: a test event to one endpoint, one delivery again, every failed
//! delivery of an endpoint since a time again. The worker sends them like any other.

use chrono::{DateTime, Utc};
use serde_json::{Value as JsonValue, json};

use crate::domain::UseCase;
use crate::domain::webhook::TEST_EVENT;
use crate::store::webhooks::{EndpointRow, SUBJECT};
use crate::store::{self, Db, Tx};

use super::{audit, load};
use crate::service::{Actor, Origin, Result, ServiceError, access};

fn must_be_active(row: &EndpointRow) -> Result<()> {
    if row.status == "active" {
        Ok(())
    } else {
        Err(ServiceError::Invalid {
            field: "status",
            message: crate::service::Said::new("enable_first"),
        })
    }
}

/// Queues a `webhook.test` event for endpoint `id` only; returns the delivery's id.
pub async fn send_test(db: &Db, actor: &Actor, origin: &Origin, id: i64) -> Result<i64> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::WebhookManage).await?;
    let row = load(&mut tx, id).await?;
    must_be_active(&row)?;
    let now = crate::service::now();
    let event_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let payload = json!({
        "type": TEST_EVENT,
        "timestamp": now.to_rfc3339(),
        "data": {
            "subject": {"type": SUBJECT, "id": id},
            "changes": {},
            "actor_id": actor.id,
        },
    });
    let event = store::outbox::insert(&mut tx, &event_id, TEST_EVENT, payload, now).await?;
    let delivery = store::deliveries::insert_pending(&mut tx, event, id, 1, now, now).await?;
    let diff = crate::service::record::Diff::new()
        .field("test_event_id", JsonValue::Null, event_id)
        .field("delivery_id", JsonValue::Null, delivery);
    audit(tx, &actor, origin, "test_sent", id, diff).await?;
    Ok(delivery)
}

async fn active_endpoint(tx: &mut Tx, id: i64) -> Result<EndpointRow> {
    let row = load(tx, id).await?;
    must_be_active(&row)?;
    Ok(row)
}

/// Sends delivery `delivery_id`'s event to its endpoint again (its waiting attempt, if any,
/// is made due now). Returns the attempt that will be sent.
pub async fn replay(db: &Db, actor: &Actor, origin: &Origin, delivery_id: i64) -> Result<i64> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::WebhookManage).await?;
    let not_found = || ServiceError::NotFound {
        what: "webhook delivery",
        key: delivery_id.to_string(),
    };
    let delivery = store::deliveries::get(&mut tx, delivery_id)
        .await?
        .ok_or_else(not_found)?;
    active_endpoint(&mut tx, delivery.webhook_endpoint_id).await?;
    let now = crate::service::now();
    let queued = store::deliveries::replay(&mut tx, delivery_id, now)
        .await?
        .ok_or_else(not_found)?;
    let diff = crate::service::record::Diff::new()
        .field("replayed_delivery_id", JsonValue::Null, delivery_id)
        .field("delivery_id", JsonValue::Null, queued);
    audit(
        tx,
        &actor,
        origin,
        "replayed",
        delivery.webhook_endpoint_id,
        diff,
    )
    .await?;
    Ok(queued)
}

/// Queues again every event whose last attempt to endpoint `endpoint_id` failed at or after
/// `since`. Returns how many were queued (none is not an error).
pub async fn replay_failed_since(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    endpoint_id: i64,
    since: DateTime<Utc>,
) -> Result<u64> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::WebhookManage).await?;
    active_endpoint(&mut tx, endpoint_id).await?;
    let now = crate::service::now();
    let n = store::deliveries::replay_failed_since(&mut tx, endpoint_id, since, now).await?;
    let diff = crate::service::record::Diff::new()
        .field("replayed_failed_since", JsonValue::Null, since.to_rfc3339())
        .field("replayed", JsonValue::Null, n);
    audit(tx, &actor, origin, "replayed", endpoint_id, diff).await?;
    Ok(n)
}
