//! What the worker decides about an endpoint, as the identity it acts as (`webhooks.manage`,
//! re-read inside the transaction; the audit row names it): disabled when it answered 410
//! Gone, or when a delivery failed for the whole retry schedule. The staff who manage
//! webhooks are notified.

use serde_json::{Value as JsonValue, json};

use crate::domain::UseCase;
use crate::store::webhooks::SUBJECT;
use crate::store::{self, Db};

use crate::service::access;
use crate::service::record::{Change, Diff, Notice, record_and_commit};
use crate::service::{Actor, Origin, Result};

/// Why the worker disabled an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// It answered 410 Gone.
    Gone,
    /// A delivery failed every attempt of the retry schedule.
    Failing,
}

impl Cause {
    /// `webhook_endpoints.disabled_reason`.
    pub fn code(self) -> &'static str {
        match self {
            Cause::Gone => "gone",
            Cause::Failing => "failing",
        }
    }
    fn notification(self) -> &'static str {
        match self {
            Cause::Gone => "webhook.endpoint_gone",
            Cause::Failing => "webhook.endpoint_failing",
        }
    }
}

/// Disables endpoint `id` for `cause`, gives up what waited for it and notifies the staff who
/// manage webhooks. False when it was no longer active (another worker, or staff, first).
/// Refused, writing nothing, when `actor` no longer holds `webhooks.manage`.
pub async fn disable_failing(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    cause: Cause,
) -> Result<bool> {
    let (mut tx, fresh) = access::begin(db, actor, UseCase::WebhookManage).await?;
    let Some(row) = store::webhooks::get(&mut tx, id).await? else {
        return Ok(false);
    };
    let now = crate::service::now();
    if !store::webhooks::disable(&mut tx, id, None, cause.code(), now).await? {
        return Ok(false);
    }
    let reason = match cause {
        Cause::Gone => "the endpoint answered 410 Gone",
        Cause::Failing => "the endpoint failed for the whole retry schedule",
    };
    let given_up = store::deliveries::give_up_pending(&mut tx, id, reason, now).await?;
    let params = json!({"endpoint_url": row.url, "endpoint_id": id});
    let notices = store::webhooks::managers(&mut tx)
        .await?
        .into_iter()
        .map(|user_id| Notice {
            user_id,
            class: "App\\Notifications\\WebhookEndpointDisabled",
            kind: cause.notification(),
            params: params.clone(),
        })
        .collect();
    let diff = Diff::new()
        .field("status", row.status.as_str(), "disabled")
        .field("disabled_reason", json!(row.disabled_reason), cause.code())
        .field("failure_streak", JsonValue::Null, row.failure_streak)
        .field("pending_given_up", JsonValue::Null, given_up);
    record_and_commit(
        tx,
        Some(&fresh),
        origin,
        Change {
            event: "disabled",
            subject_type: SUBJECT,
            subject_id: id,
            diff,
            notices,
            webhook: None,
        },
    )
    .await?;
    Ok(true)
}
