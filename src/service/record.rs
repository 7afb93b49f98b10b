//! What every change writes besides itself, in the same transaction: one audit row (old/new
//! values of the changed fields only), its notifications, its webhook outbox event.

use serde_json::{Value as JsonValue, json};

use crate::store::{Tx, audit, notifications, outbox, webhooks};

use super::{Actor, Origin, Result};

pub use crate::store::audit::Diff;

pub struct Notice {
    pub user_id: i64,
    /// Laravel notification class, e.g. `App\Notifications\CommissionApproved`.
    pub class: &'static str,
    /// Dotted kind for rendering, e.g. `commission.approved`.
    pub kind: &'static str,
    pub params: JsonValue,
}

pub struct Change<'a> {
    pub event: &'a str,
    pub subject_type: &'a str,
    pub subject_id: i64,
    pub diff: Diff,
    pub notices: Vec<Notice>,
    /// Webhook event type, e.g. `commission.approved`; the payload is built from the diff.
    pub webhook: Option<&'a str>,
}

/// Writes the audit row, notifications and outbox event of `change`; returns the audit id.
/// Records `change` (see `record`) as the transaction's last write, then commits it.
pub async fn record_and_commit(
    mut tx: Tx,
    actor: Option<&Actor>,
    origin: &Origin,
    change: Change<'_>,
) -> Result<i64> {
    let id = record(&mut tx, actor, origin, change).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn record(
    tx: &mut Tx,
    actor: Option<&Actor>,
    origin: &Origin,
    change: Change<'_>,
) -> Result<i64> {
    let now = super::now();
    // The operator's bootstrap path has no staff actor: the audit row names the OS user.
    let operator = origin.operator.as_ref().map(|u| format!("operator:{u}"));
    let audit_id = audit::insert(
        tx,
        &audit::NewAudit {
            user_id: actor.map(|a| a.id),
            event: change.event,
            auditable_type: change.subject_type,
            auditable_id: change.subject_id,
            old_values: change.diff.old_values(),
            new_values: change.diff.new_values(),
            url: Some(origin.channel),
            ip_address: origin.address.as_deref(),
            user_agent: Some(&format!(
                "obryl-backoffice/{} ({})",
                env!("CARGO_PKG_VERSION"),
                origin.host
            )),
            tags: operator.as_deref(),
            now,
        },
    )
    .await?;
    let subject = json!({"type": change.subject_type, "id": change.subject_id});
    let mut notified = Vec::new();
    for n in change.notices {
        // One notification per person even when they hold two roles in the change.
        if notified.contains(&(n.user_id, n.kind)) {
            continue;
        }
        notified.push((n.user_id, n.kind));
        notifications::insert(
            tx,
            &notifications::NewNotification {
                id: uuid::Uuid::new_v4().to_string(),
                kind: n.class,
                user_id: n.user_id,
                data: json!({
                    "kind": n.kind,
                    "params": n.params,
                    "subject": subject,
                    "actor": actor.map(|a| json!({"id": a.id, "name": a.name})),
                }),
                now,
            },
        )
        .await?;
    }
    if let Some(kind) = change.webhook {
        let event_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        let payload = json!({
            "type": kind,
            "timestamp": now.to_rfc3339(),
            "data": {
                "subject": subject,
                "changes": change.diff.new_values(),
                "actor_id": actor.map(|a| a.id),
            },
        });
        let event = outbox::insert(tx, &event_id, kind, payload, now).await?;
        // One pending attempt per subscribed endpoint, in the same transaction as the change.
        webhooks::fan_out(tx, event, kind, now).await?;
    }
    Ok(audit_id)
}
