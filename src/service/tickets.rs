//! Ticket triage: assignment (exactly one assignee wins a race) and status changes through the
//! ticket state machine, with SLA stamps (pending pauses the clock).

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value as JsonValue, json};

use crate::domain::{DomainError, Permission, TicketPriority, TicketStatus, UseCase, require_text};
use crate::store::{self, Db, Tx, tickets::TicketRow};

use super::access;
use super::analytics::metric::TICKETS_OPENED;
use super::record::{Change, Diff, Notice, record_and_commit};
use super::{Actor, Origin, Result, ServiceError, settings};

pub const RESOLUTION_MAX_BYTES: usize = 8192;

async fn load(tx: &mut Tx, id: i64) -> Result<TicketRow> {
    store::tickets::get(tx, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "ticket",
            key: id.to_string(),
        })
}

fn check_seen(row: &TicketRow, seen_version: Option<i64>) -> Result<()> {
    match seen_version {
        Some(v) if v != row.lock_version => match &row.assignee_name {
            Some(to) => Err(ServiceError::AlreadyAssigned {
                what: "ticket",
                to: to.clone(),
            }),
            None => Err(ServiceError::Stale { what: "ticket" }),
        },
        _ => Ok(()),
    }
}

/// Assigns a ticket to a staff member (permission `tickets.assign`). With `seen_version`, the
/// assignment only happens if nobody changed the ticket since the caller looked at it.
pub async fn assign(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    assignee_id: i64,
    seen_version: Option<i64>,
) -> Result<()> {
    set_assignee(db, actor, origin, id, Some(assignee_id), seen_version).await
}

/// Takes the ticket off whoever has it (back to the unassigned queue), audited.
pub async fn unassign(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    seen_version: Option<i64>,
) -> Result<()> {
    set_assignee(db, actor, origin, id, None, seen_version).await
}

async fn set_assignee(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    assignee_id: Option<i64>,
    seen_version: Option<i64>,
) -> Result<()> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::TicketAssign).await?;
    let actor = &actor;
    let row = load(&mut tx, id).await?;
    check_seen(&row, seen_version)?;
    if row.assignee_id == assignee_id {
        return Err(match assignee_id {
            Some(_) => ServiceError::AlreadyAssigned {
                what: "ticket",
                to: row.assignee_name.unwrap_or_default(),
            },
            None => ServiceError::Invalid {
                field: "assignee",
                message: crate::service::Said::new("nobody_assigned"),
            },
        });
    }
    if let Some(assignee_id) = assignee_id {
        let assignee = super::Actor::load(&mut tx, assignee_id).await?;
        if !assignee.can(Permission::TicketsReply) {
            return Err(ServiceError::Invalid {
                field: "assignee",
                message: crate::service::Said::new("not_an_agent").arg("name", &assignee.name),
            });
        }
    }
    let now = super::now();
    let mut values = vec![("assignee_id", assignee_id.into())];
    let mut diff = Diff::new().field("assignee_id", row.assignee_id, assignee_id);
    if row.status == "new" && assignee_id.is_some() {
        values.push(("status", "open".into()));
        diff = diff.field("status", "new", "open");
    }
    if !store::tickets::cas_update(&mut tx, id, row.lock_version, values, now).await? {
        let fresh = load(&mut tx, id).await?;
        return Err(match fresh.assignee_name {
            Some(to) => ServiceError::AlreadyAssigned { what: "ticket", to },
            None => ServiceError::Stale { what: "ticket" },
        });
    }
    let notices = match assignee_id {
        Some(to) if to != actor.id => vec![Notice {
            user_id: to,
            class: "App\\Notifications\\TicketAssigned",
            kind: "ticket.assigned",
            params: json!({"reference": row.reference, "subject": row.subject}),
        }],
        _ => Vec::new(),
    };
    let (event, webhook) = match assignee_id {
        Some(_) => ("assigned", "support_ticket.assigned"),
        None => ("unassigned", "support_ticket.unassigned"),
    };
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event,
            subject_type: "support_ticket",
            subject_id: id,
            diff,
            notices,
            webhook: Some(webhook),
        },
    )
    .await?;
    Ok(())
}

/// Moves a ticket through its state machine. Entering `pending` pauses the SLA clock, leaving
/// it adds the paused time; `solved` needs a resolution and stamps it with the solving time,
/// `closed` stamps the closing time.
pub async fn transition(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    to: TicketStatus,
    resolution: Option<&str>,
    seen_version: Option<i64>,
) -> Result<()> {
    let resolution = resolution
        .map(|r| require_text("resolution", r, RESOLUTION_MAX_BYTES))
        .transpose()?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::TicketStatus).await?;
    let actor = &actor;
    let row = load(&mut tx, id).await?;
    check_seen(&row, seen_version)?;
    let from = TicketStatus::parse(&row.status)?;
    from.transition(to)?;
    if to == TicketStatus::Solved && resolution.is_none() {
        return Err(DomainError::EmptyText {
            field: "resolution",
        }
        .into());
    }
    let now = super::now();
    let mut values: Vec<(&'static str, sea_query::Value)> = vec![("status", to.as_str().into())];
    let mut diff = Diff::new().field("status", from.as_str(), to.as_str());
    if to.pauses_sla() && row.paused_since.is_none() {
        values.push(("paused_since", now.into()));
        diff = diff.field("paused_since", JsonValue::Null, now.to_rfc3339());
    }
    if from.pauses_sla()
        && !to.pauses_sla()
        && let Some(since) = row.paused_since
    {
        let paused = row.paused_seconds + (now - since).num_seconds().max(0);
        values.push(("paused_seconds", paused.into()));
        values.push(("paused_since", Option::<DateTime<Utc>>::None.into()));
        diff = diff.field("paused_seconds", row.paused_seconds, paused);
    }
    match to {
        TicketStatus::Solved => {
            values.push(("resolved_at", now.into()));
            diff = diff.field("resolved_at", JsonValue::Null, now.to_rfc3339());
            if let Some(r) = &resolution {
                values.push(("resolution", r.clone().into()));
                diff = diff.field("resolution", JsonValue::Null, r.as_str());
            }
        }
        TicketStatus::Closed => values.push(("closed_at", now.into())),
        TicketStatus::Open if from == TicketStatus::Solved => {
            values.push(("resolved_at", Option::<DateTime<Utc>>::None.into()));
            diff = diff.field(
                "resolved_at",
                row.resolved_at.map(|t| t.to_rfc3339()),
                JsonValue::Null,
            );
        }
        _ => {}
    }
    if !store::tickets::cas_update(&mut tx, id, row.lock_version, values, now).await? {
        return Err(ServiceError::Stale { what: "ticket" });
    }
    super::analytics::bump_ticket_status(&mut tx, now, to, from, row.resolved_at).await?;
    let notices = vec![Notice {
        user_id: row.requester_id,
        class: "App\\Notifications\\TicketStatusChanged",
        kind: "ticket.status_changed",
        params: json!({"reference": row.reference, "from": from.as_str(), "to": to.as_str()}),
    }];
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "status_changed",
            subject_type: "support_ticket",
            subject_id: id,
            diff,
            notices,
            webhook: Some("support_ticket.status_changed"),
        },
    )
    .await?;
    Ok(())
}

/// Changes the priority; the deadlines of the SLA targets not met yet follow the new
/// priority's targets (counted from the ticket's creation). A target already met keeps the
/// deadline it was met against.
pub async fn set_priority(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    priority: TicketPriority,
    seen_version: Option<i64>,
) -> Result<()> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::TicketPriority).await?;
    let actor = &actor;
    let row = load(&mut tx, id).await?;
    check_seen(&row, seen_version)?;
    if row.priority == priority.as_str() {
        return Ok(());
    }
    let targets = settings::sla_targets(&mut tx, priority).await?;
    let created = row.created_at.unwrap_or_else(super::now);
    let now = super::now();
    let mut values: Vec<(&'static str, sea_query::Value)> =
        vec![("priority", priority.as_str().into())];
    let mut diff = Diff::new().field("priority", row.priority.as_str(), priority.as_str());
    let due = |old: Option<DateTime<Utc>>| old.map(|t| t.to_rfc3339());
    if row.first_responded_at.is_none() {
        let first_due = created + Duration::minutes(targets.first_response_minutes);
        values.push(("first_response_due_at", first_due.into()));
        diff = diff.field(
            "first_response_due_at",
            due(row.first_response_due_at),
            first_due.to_rfc3339(),
        );
    }
    if row.resolved_at.is_none() {
        let resolution_due = created + Duration::minutes(targets.resolution_minutes);
        values.push(("resolution_due_at", resolution_due.into()));
        diff = diff.field(
            "resolution_due_at",
            due(row.resolution_due_at),
            resolution_due.to_rfc3339(),
        );
    }
    if !store::tickets::cas_update(&mut tx, id, row.lock_version, values, now).await? {
        return Err(ServiceError::Stale { what: "ticket" });
    }
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "updated",
            subject_type: "support_ticket",
            subject_id: id,
            diff,
            notices: Vec::new(),
            webhook: Some("support_ticket.updated"),
        },
    )
    .await?;
    Ok(())
}

/// Replies to the requester (public) or adds an internal note (never shown to the client).
/// The first public reply stamps the first response time. A closed ticket takes neither: it
/// cannot be reopened. Returns the message id.
pub async fn reply(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    body: &str,
    internal: bool,
) -> Result<i64> {
    let limit = {
        let mut c = db.clone();
        settings::reply_max_bytes(&mut c).await?
    };
    let body = require_text(if internal { "note" } else { "reply" }, body, limit)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::TicketReply).await?;
    let actor = &actor;
    let row = load(&mut tx, id).await?;
    if TicketStatus::parse(&row.status)? == TicketStatus::Closed {
        // A message would need the ticket open again, which a closed ticket never is.
        return Err(DomainError::IllegalTransition {
            kind: "ticket",
            from: TicketStatus::Closed.as_str().to_owned(),
            to: TicketStatus::Open.as_str().to_owned(),
        }
        .into());
    }
    let now = super::now();
    let title = format!("{} — {}", row.reference, row.subject);
    let conversation =
        store::messages::ensure_conversation(&mut tx, "support_ticket", id, &title, now).await?;
    let message_id =
        store::messages::insert(&mut tx, conversation, Some(actor.id), &body, internal, now)
            .await?;
    let mut values: Vec<(&'static str, sea_query::Value)> = Vec::new();
    let mut diff = Diff::new().field("message_id", JsonValue::Null, message_id);
    if !internal && row.first_responded_at.is_none() {
        values.push(("first_responded_at", now.into()));
        diff = diff.field("first_responded_at", JsonValue::Null, now.to_rfc3339());
    }
    // Any message moves the ticket's activity clock (and its lock version: others reload).
    if !store::tickets::cas_update(&mut tx, id, row.lock_version, values, now).await? {
        return Err(ServiceError::Stale { what: "ticket" });
    }
    let notices = if internal {
        Vec::new()
    } else {
        vec![Notice {
            user_id: row.requester_id,
            class: "App\\Notifications\\TicketReplied",
            kind: "ticket.replied",
            params: json!({"reference": row.reference, "subject": row.subject}),
        }]
    };
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: if internal { "note_added" } else { "replied" },
            subject_type: "support_ticket",
            subject_id: id,
            diff,
            notices,
            // Internal notes stay internal: no webhook to partners.
            webhook: (!internal).then_some("support_ticket.replied"),
        },
    )
    .await?;
    Ok(message_id)
}

/// Opens a follow-up of a closed ticket: a new ticket for the same requester, category,
/// priority and project, naming the one it follows, assigned to `actor`, whose `message` is its
/// first public reply (so its first response is met at once). The closed ticket is untouched
/// but for its history. Returns the new ticket's id and reference.
pub async fn follow_up(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    closed_id: i64,
    message: &str,
) -> Result<(i64, String)> {
    let limit = {
        let mut c = db.clone();
        settings::reply_max_bytes(&mut c).await?
    };
    let message = require_text("reply", message, limit)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::TicketFollowUp).await?;
    let actor = &actor;
    let row = load(&mut tx, closed_id).await?;
    if TicketStatus::parse(&row.status)? != TicketStatus::Closed {
        return Err(ServiceError::Invalid {
            field: "ticket",
            message: crate::service::Said::new("not_closed").arg("reference", &row.reference),
        });
    }
    let priority = TicketPriority::parse(&row.priority)?;
    let targets = settings::sla_targets(&mut tx, priority).await?;
    let body = store::tickets::body(&mut tx, closed_id)
        .await?
        .unwrap_or_default();
    let now = super::now();
    let ticket = store::tickets::NewTicket {
        requester_id: row.requester_id,
        assignee_id: Some(actor.id),
        project_id: row.project_id,
        subject: &row.subject,
        body: &body,
        category: &row.category,
        priority: priority.as_str(),
        status: TicketStatus::Open.as_str(),
        first_response_due_at: now + Duration::minutes(targets.first_response_minutes),
        first_responded_at: Some(now),
        resolution_due_at: now + Duration::minutes(targets.resolution_minutes),
        follows_ticket_id: Some(closed_id),
        now,
    };
    let (id, reference) = store::tickets::insert(&mut tx, &ticket).await?;
    super::analytics::bump(&mut tx, now, TICKETS_OPENED, "", 1).await?;
    let title = format!("{reference} — {}", row.subject);
    let conversation =
        store::messages::ensure_conversation(&mut tx, "support_ticket", id, &title, now).await?;
    let message_id =
        store::messages::insert(&mut tx, conversation, Some(actor.id), &message, false, now)
            .await?;
    super::record::record(
        &mut tx,
        Some(actor),
        origin,
        Change {
            event: "followed_up",
            subject_type: "support_ticket",
            subject_id: closed_id,
            diff: Diff::new().field("follow_up", JsonValue::Null, reference.as_str()),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    let diff = Diff::new()
        .field("reference", JsonValue::Null, reference.as_str())
        .field("follows", JsonValue::Null, row.reference.as_str())
        .field("status", JsonValue::Null, TicketStatus::Open.as_str())
        .field("assignee_id", JsonValue::Null, actor.id)
        .field("message_id", JsonValue::Null, message_id);
    let notices = vec![Notice {
        user_id: row.requester_id,
        class: "App\\Notifications\\TicketReplied",
        kind: "ticket.replied",
        params: json!({"reference": reference, "subject": row.subject}),
    }];
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "created",
            subject_type: "support_ticket",
            subject_id: id,
            diff,
            notices,
            webhook: Some("support_ticket.created"),
        },
    )
    .await?;
    Ok((id, reference))
}

/// Tells others that `actor` has the ticket open (and whether they are typing). Presence is
/// ephemeral collaboration state, not a change to the ticket: it is not audited.
pub async fn presence(
    db: &Db,
    actor: &Actor,
    id: i64,
    typing: bool,
) -> Result<Vec<(String, bool)>> {
    let now = super::now();
    let (mut tx, actor) = access::begin(db, actor, UseCase::TicketPresence).await?;
    let actor = &actor;
    let row = load(&mut tx, id).await?;
    let title = format!("{} — {}", row.reference, row.subject);
    let conversation =
        store::messages::ensure_conversation(&mut tx, "support_ticket", id, &title, now).await?;
    store::messages::touch_presence(&mut tx, conversation, actor.id, typing, now).await?;
    tx.commit().await?;
    let mut c = db.clone();
    Ok(
        store::messages::present(&mut c, conversation, actor.id, now - Duration::seconds(10))
            .await?,
    )
}

/// Links the ticket to a project (or unlinks it with None).
pub async fn link_project(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    project_id: Option<i64>,
) -> Result<()> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::TicketLinkProject).await?;
    let actor = &actor;
    let row = load(&mut tx, id).await?;
    if let Some(p) = project_id
        && store::projects::get(&mut tx, p).await?.is_none()
    {
        return Err(ServiceError::NotFound {
            what: "project",
            key: p.to_string(),
        });
    }
    let now = super::now();
    if !store::tickets::cas_update(
        &mut tx,
        id,
        row.lock_version,
        vec![("project_id", project_id.into())],
        now,
    )
    .await?
    {
        return Err(ServiceError::Stale { what: "ticket" });
    }
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "updated",
            subject_type: "support_ticket",
            subject_id: id,
            diff: Diff::new().field("project_id", row.project_id, project_id),
            notices: Vec::new(),
            webhook: Some("support_ticket.updated"),
        },
    )
    .await?;
    Ok(())
}
