//! Partners' webhook endpoints (permission `webhooks.manage`): add one (its secret shown
//! once), edit it (compare-and-set on its version), disable and enable it, rotate its secret
//! (the old one keeps signing through the overlap), send it a test event, replay deliveries.
//! Each is audited; managing webhooks sends no webhook itself (a test event aside). The worker
//! delivers (the `worker` module); what it decides about an endpoint is in system.rs.

mod deliveries;
mod system;
pub mod url;

pub use deliveries::{replay, replay_failed_since, send_test};
pub use system::{Cause, disable_failing};

use chrono::Duration;
use serde_json::{Value as JsonValue, json};

use crate::domain::webhook::{self, Policy};
use crate::domain::{DomainError, UseCase};
use crate::store::webhooks::{EndpointRow, SUBJECT};
use crate::store::{self, Db, Tx};

use super::record::{Change, Diff, record_and_commit};
use super::{Actor, Origin, Result, ServiceError, access};

/// An endpoint's description, at most this long.
const DESCRIPTION_MAX_BYTES: usize = 500;

/// What staff give for an endpoint (adding or editing it).
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointInput<'a> {
    pub url: &'a str,
    pub description: Option<&'a str>,
    /// Event types (`*` for every type).
    pub event_types: &'a [String],
}

/// A new endpoint: its id and its signing secret, shown this once.
#[derive(Clone, Debug, PartialEq)]
pub struct Added {
    pub id: i64,
    pub secret: String,
}

/// A rotation: the new secret (shown once) and until when the previous one still signs.
#[derive(Clone, Debug, PartialEq)]
pub struct Rotated {
    pub secret: String,
    pub previous_until: chrono::DateTime<chrono::Utc>,
}

/// The checked values of an input: URL, description, event types.
struct Checked {
    url: String,
    description: Option<String>,
    event_types: Vec<String>,
}

/// Checks a URL as [`add`] and [`edit`] do (the rules, then the addresses its name resolves
/// to now), so a form can refuse it at its own field before the rest is asked.
pub async fn check_url(url: &str, policy: &Policy) -> Result<()> {
    url::checked(url, policy).await.map(|_| ())
}

/// Event types as typed, checked as [`add`] and [`edit`] check them: trimmed, sorted, once
/// each, at least one, every one known; `*` alone stands for all.
pub fn event_types(typed: &[String]) -> Result<Vec<String>> {
    let mut event_types: Vec<String> = typed
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    event_types.sort();
    event_types.dedup();
    if event_types.is_empty() {
        return Err(ServiceError::Invalid {
            field: "event types",
            message: crate::service::Said::new("no_event_type"),
        });
    }
    if let Some(unknown) = webhook::unknown_types(&event_types).into_iter().next() {
        return Err(ServiceError::Invalid {
            field: "event types",
            message: crate::service::Said::new("not_an_event_type").arg("value", unknown),
        });
    }
    if event_types.iter().any(|t| t == webhook::ALL_TYPES) {
        event_types = vec![webhook::ALL_TYPES.to_owned()];
    }
    Ok(event_types)
}

async fn check(input: &EndpointInput<'_>, policy: &Policy) -> Result<Checked> {
    let dest = url::checked(input.url, policy).await?;
    let description = match input.description.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) if d.len() > DESCRIPTION_MAX_BYTES => {
            return Err(DomainError::TextTooLong {
                field: "description",
                max_bytes: DESCRIPTION_MAX_BYTES,
                actual: d.len(),
            }
            .into());
        }
        Some(d) if d.contains(['\n', '\r']) => {
            return Err(ServiceError::Invalid {
                field: "description",
                message: crate::service::Said::new("one_line"),
            });
        }
        other => other.map(str::to_owned),
    };
    let event_types = event_types(input.event_types)?;
    Ok(Checked {
        url: dest.url,
        description,
        event_types,
    })
}

/// Adds an endpoint subscribed to `input.event_types`; returns its id and secret.
pub async fn add(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    policy: &Policy,
    input: &EndpointInput<'_>,
) -> Result<Added> {
    let c = check(input, policy).await?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::WebhookManage).await?;
    let secret = webhook::new_secret();
    let now = super::now();
    let id = store::webhooks::insert(
        &mut tx,
        &store::webhooks::NewEndpoint {
            url: &c.url,
            description: c.description.as_deref(),
            secret: &secret,
            event_types: &c.event_types,
            now,
        },
    )
    .await?;
    // The secret is never audited.
    let diff = Diff::created([
        ("url", json!(c.url)),
        ("description", json!(c.description)),
        ("event_types", json!(c.event_types)),
        ("status", json!("active")),
    ]);
    audit(tx, &actor, origin, "created", id, diff).await?;
    Ok(Added { id, secret })
}

/// Changes an endpoint's URL, description and event types. `seen` is the version the staff
/// member looked at: an endpoint changed meanwhile is refused, naming who changed it.
pub async fn edit(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    policy: &Policy,
    id: i64,
    input: &EndpointInput<'_>,
    seen: Option<i64>,
) -> Result<()> {
    let c = check(input, policy).await?;
    let (mut tx, actor, row) = open(db, actor, id, seen).await?;
    let now = super::now();
    let edit = store::webhooks::Edit {
        url: &c.url,
        description: c.description.as_deref(),
        event_types: &c.event_types,
    };
    if !store::webhooks::update(&mut tx, id, row.version, &edit, now).await? {
        return Err(changed_meanwhile(&mut tx, id).await);
    }
    let diff = Diff::new()
        .field("url", row.url.as_str(), c.url.as_str())
        .field("description", json!(row.description), json!(c.description))
        .field("event_types", json!(row.event_types), json!(c.event_types));
    audit(tx, &actor, origin, "updated", id, diff).await
}

/// Stops sending to an endpoint; what waited for it is given up (replays bring it back).
pub async fn disable(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    seen: Option<i64>,
) -> Result<()> {
    let (mut tx, actor, row) = open(db, actor, id, seen).await?;
    if row.status == "disabled" {
        return Err(already(&mut tx, id, "disabled").await);
    }
    let now = super::now();
    if !store::webhooks::disable(&mut tx, id, Some(row.version), "manual", now).await? {
        return Err(changed_meanwhile(&mut tx, id).await);
    }
    let given_up =
        store::deliveries::give_up_pending(&mut tx, id, "the endpoint was disabled", now).await?;
    let diff = Diff::new()
        .field("status", row.status.as_str(), "disabled")
        .field("disabled_reason", json!(row.disabled_reason), "manual")
        .field("pending_given_up", JsonValue::Null, given_up);
    audit(tx, &actor, origin, "disabled", id, diff).await
}

/// Sends to a disabled endpoint again; its failure streak starts over.
pub async fn enable(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    seen: Option<i64>,
) -> Result<()> {
    let (mut tx, actor, row) = open(db, actor, id, seen).await?;
    if row.status == "active" {
        return Err(ServiceError::Invalid {
            field: "status",
            message: crate::service::Said::new("already_active"),
        });
    }
    if !store::webhooks::enable(&mut tx, id, row.version, super::now()).await? {
        return Err(changed_meanwhile(&mut tx, id).await);
    }
    let diff = Diff::new()
        .field("status", row.status.as_str(), "active")
        .field(
            "disabled_reason",
            json!(row.disabled_reason),
            JsonValue::Null,
        )
        .field("failure_streak", row.failure_streak, 0);
    audit(tx, &actor, origin, "enabled", id, diff).await
}

/// A new signing secret; the one it replaces keeps signing for the policy's overlap, so the
/// partner can switch without losing a delivery. Returns the new secret (shown once).
pub async fn rotate(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    policy: &Policy,
    id: i64,
    seen: Option<i64>,
) -> Result<Rotated> {
    let (mut tx, actor, row) = open(db, actor, id, seen).await?;
    let now = super::now();
    let secret = webhook::new_secret();
    let previous_until = now + Duration::hours(policy.rotation_overlap_hours);
    if !store::webhooks::rotate(&mut tx, id, row.version, &secret, previous_until, now).await? {
        return Err(changed_meanwhile(&mut tx, id).await);
    }
    let diff = Diff::new().field(
        "previous_secret_expires_at",
        json!(row.previous_secret_expires_at.map(|t| t.to_rfc3339())),
        previous_until.to_rfc3339(),
    );
    audit(tx, &actor, origin, "secret_rotated", id, diff).await?;
    Ok(Rotated {
        secret,
        previous_until,
    })
}

/// The transaction of a decision on endpoint `id`: the actor allowed to manage webhooks, the
/// row as it is, not changed since the version `seen`.
async fn open(
    db: &Db,
    actor: &Actor,
    id: i64,
    seen: Option<i64>,
) -> Result<(Tx, Actor, EndpointRow)> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::WebhookManage).await?;
    let row = load(&mut tx, id).await?;
    if seen.is_some_and(|v| v != row.version) {
        return Err(changed_meanwhile(&mut tx, id).await);
    }
    Ok((tx, actor, row))
}

async fn load(tx: &mut Tx, id: i64) -> Result<EndpointRow> {
    store::webhooks::get(tx, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "webhook endpoint",
            key: id.to_string(),
        })
}

/// "Already changed by Awa Diop at 10:42": the endpoint's last change, from its audit trail.
async fn changed_meanwhile(tx: &mut Tx, id: i64) -> ServiceError {
    already(tx, id, "changed").await
}

async fn already(tx: &mut Tx, id: i64, status: &str) -> ServiceError {
    match store::audit::history(tx, SUBJECT, id, 1).await {
        Ok(rows) => match rows.into_iter().next() {
            Some(last) if last.user_name.is_some() => ServiceError::AlreadyDecided {
                status: status.to_owned(),
                by: last.user_name.unwrap_or_default(),
                at: last.created_at.unwrap_or_default(),
            },
            _ => ServiceError::Stale {
                what: "webhook endpoint",
            },
        },
        Err(e) => e.into(),
    }
}

async fn audit(
    tx: Tx,
    actor: &Actor,
    origin: &Origin,
    event: &str,
    id: i64,
    diff: Diff,
) -> Result<()> {
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event,
            subject_type: SUBJECT,
            subject_id: id,
            diff,
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(())
}
