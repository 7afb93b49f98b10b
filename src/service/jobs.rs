//! The worker's scheduled decisions, taken as the identity the worker acts as (a staff member
//! or a service account, named in the audit rows), whose rights are re-read before anything is
//! read and inside each change's transaction: tickets past their SLA announced once
//! (`tickets.assign`; the assignee is notified, or the support team while nobody has the
//! ticket, and partners subscribed to `support_ticket.sla_breached` hear of it), and
//! back-office sessions ended at their expiry (`users.manage`). Escrow auto-release is
//! `escrow::auto_release_due`.

use serde_json::{Value as JsonValue, json};

use crate::domain::UseCase;
use crate::store::{self, Db};

use super::access;
use super::record::{Change, Diff, Notice, record_and_commit};
use super::{Actor, Origin, Result};

/// Breaches announced per run; the next run takes the rest.
const PER_RUN: u64 = 500;

/// Announces every open ticket breached now and not yet announced; returns how many. Two
/// workers never announce one twice (compare-and-set on `sla_breach_notified_at`).
pub async fn announce_breaches(db: &Db, actor: &Actor, origin: &Origin) -> Result<usize> {
    access::authorize(db, actor, UseCase::TicketAssign).await?;
    let now = super::now();
    let due = store::jobs::breaches_to_announce(&mut db.clone(), now, PER_RUN).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let support: Vec<i64> = store::users::staff(&mut db.clone(), &["support"])
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let mut announced = 0;
    for breach in due {
        let (mut tx, fresh) = access::begin(db, actor, UseCase::TicketAssign).await?;
        if !store::jobs::mark_breach_announced(&mut tx, breach.id, now).await? {
            continue;
        }
        let people = breach
            .assignee_id
            .map_or_else(|| support.clone(), |a| vec![a]);
        let params = json!({"reference": breach.reference, "subject": breach.subject});
        let notices = people
            .into_iter()
            .map(|user_id| Notice {
                user_id,
                class: "App\\Notifications\\TicketSlaBreached",
                kind: "ticket.sla_breached",
                params: params.clone(),
            })
            .collect();
        record_and_commit(
            tx,
            Some(&fresh),
            origin,
            Change {
                event: "sla_breached",
                subject_type: "support_ticket",
                subject_id: breach.id,
                diff: Diff::new().field(
                    "sla_breach_notified_at",
                    JsonValue::Null,
                    now.to_rfc3339(),
                ),
                notices,
                webhook: Some("support_ticket.sla_breached"),
            },
        )
        .await?;
        announced += 1;
    }
    Ok(announced)
}

/// Ends, as `actor`, every back-office session past its expiry that nobody ended (a
/// remembered login not used again, a TUI that never quit): the token no longer opens it and
/// its open screens learn it through the change feed. Returns how many.
pub async fn end_expired_sessions(db: &Db, actor: &Actor, origin: &Origin) -> Result<usize> {
    access::authorize(db, actor, UseCase::SessionRevokeOthers).await?;
    let now = super::now();
    let due = store::jobs::sessions_past_expiry(&mut db.clone(), now, PER_RUN).await?;
    let mut ended = 0;
    for (session, user_id, _) in due {
        let (mut tx, fresh) = access::begin(db, actor, UseCase::SessionRevokeOthers).await?;
        if !store::jobs::end_session_at_expiry(&mut tx, session).await? {
            continue;
        }
        record_and_commit(
            tx,
            Some(&fresh),
            origin,
            Change {
                event: "session_expired",
                subject_type: "user",
                subject_id: user_id,
                diff: Diff::new().field("staff_session_id", session, JsonValue::Null),
                notices: Vec::new(),
                webhook: None,
            },
        )
        .await?;
        ended += 1;
    }
    Ok(ended)
}
