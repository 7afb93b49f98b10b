//! What happened, in time order: one audit row per change (old and new values of the changed
//! fields only, like the back-office's own writes), the notifications each change sent, and
//! the webhook outbox of the last days with its delivery attempts.

mod audit;
mod notices;
mod outbox;

use rand::Rng;
use serde_json::{Value as JsonValue, json};

use self::audit::render;
use self::notices::{notices, params};
use super::World;
use super::util::{self, DAY, R, Sink, i, iso, j, oi, os, ot, pick, s, t};
use crate::domain::ProjectStatus;
use crate::store::{StoreError, schema};

/// The kind of record a change is about (its morph alias is `alias()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum St {
    User,
    Project,
    Commission,
    ExtCommission,
    Ticket,
    Article,
    Review,
    Setting,
    Workload,
    Escrow,
    /// Uploaded media (notifies the editor; not audited).
    Media,
}

impl St {
    pub fn alias(self) -> &'static str {
        match self {
            St::User => "user",
            St::Project => "project",
            St::Commission => "commission",
            St::ExtCommission => "ext_commission",
            St::Ticket => "support_ticket",
            St::Article => "article",
            St::Review => "review",
            St::Setting => "setting",
            St::Workload => "workload",
            St::Escrow => "escrow",
            St::Media => "media",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum K {
    Created,
    Verified,
    Updated,
    Status,
    Assigned,
    FirstApproved,
    Approved,
    Rejected,
    Paid,
    Cancelled,
    Published,
    Held,
    Released,
    Refunded,
    Disputed,
    Hidden,
    /// Not a change: only notifies (no audit row).
    SlaBreached,
}

/// One change, compact; `a`, `b`, `c` carry what the change needs (see `render`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ev {
    pub at: i64,
    /// The acting user, 0 for the system.
    pub actor: i64,
    pub subj: i64,
    pub a: i64,
    pub b: i64,
    pub c: i64,
    pub kind: K,
    pub st: St,
}

impl Ev {
    pub fn new(at: i64, actor: i64, kind: K, st: St, subj: i64) -> Ev {
        Ev {
            at,
            actor,
            subj,
            a: 0,
            b: 0,
            c: 0,
            kind,
            st,
        }
    }
}

fn pstatus(k: i64) -> &'static str {
    ProjectStatus::ALL[k as usize].as_str()
}

/// The webhook event type of a change, when partners can subscribe to it.
fn webhook_type(ev: &Ev, event: &str) -> Option<String> {
    match ev.st {
        St::Project | St::Commission | St::ExtCommission | St::Ticket | St::Escrow => {
            Some(format!("{}.{event}", ev.st.alias()))
        }
        St::Review if ev.kind == K::Created => Some("review.created".into()),
        St::Article if ev.kind == K::Published => Some("article.published".into()),
        _ => None,
    }
}

struct Notice {
    user: i64,
    class: &'static str,
    kind: &'static str,
}

fn notice(user: i64, class: &'static str, kind: &'static str) -> Notice {
    Notice { user, class, kind }
}

fn ip(rng: &mut R) -> String {
    let first = pick(rng, &[41u8, 102, 105, 154, 196, 197]);
    format!(
        "{first}.{}.{}.{}",
        rng.random_range(0..=255u8),
        rng.random_range(0..=255u8),
        rng.random_range(1..=254u8)
    )
}

const AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Linux; Android 12; TECNO KI5k) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
];
const STAFF_AGENT: &str = concat!("obryl-backoffice/", env!("CARGO_PKG_VERSION"), " (seed)");

struct Outbox {
    at: i64,
    event_id: String,
    kind: String,
    payload: JsonValue,
}

pub(super) async fn write(
    w: &mut World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let mut events = std::mem::take(&mut w.events);
    // Time order; a stable sort keeps each record's own changes in the order they were made.
    events.sort_by_key(|e| e.at);
    let w = &*w;
    let a = w.clock.anchor;
    let audited = events.len();
    let notified: usize = events.iter().map(|e| notices(w, e).len()).sum();
    let mut audit = sink.table(schema::AUDIT_LOGS, audited as u64);
    let mut notes = sink.table(schema::NOTIFICATIONS, notified as u64);
    let mut rng = util::rng(w.seed, "audit");
    let mut nrng = util::rng(w.seed, "notifications");
    let mut wrng = util::rng(w.seed, "outbox");
    let window = a - w.plan.webhook_days * DAY;
    let mut outbox: Vec<Outbox> = Vec::new();
    let mut id = 0i64;
    for ev in &events {
        let staff = (1..=7).contains(&ev.actor);
        let rendered = render(w, ev);
        if let Some((event, diff)) = &rendered {
            id += 1;
            let (ip_address, agent) = match ev.actor {
                0 => (None, None),
                _ if staff => (Some(ip(&mut rng)), Some(STAFF_AGENT)),
                _ => (Some(ip(&mut rng)), Some(pick(&mut rng, &AGENTS))),
            };
            audit
                .push(vec![
                    i(id),
                    os((ev.actor > 0).then_some("user")),
                    oi((ev.actor > 0).then_some(ev.actor)),
                    s(*event),
                    s(ev.st.alias()),
                    i(ev.subj),
                    j(diff.old_values()),
                    j(diff.new_values()),
                    s("seed"),
                    os(ip_address),
                    os(agent),
                    os(None::<String>),
                    t(ev.at),
                    t(ev.at),
                ])
                .await?;
            if ev.at >= window
                && let Some(kind) = webhook_type(ev, event)
            {
                let subject = json!({"type": ev.st.alias(), "id": ev.subj});
                outbox.push(Outbox {
                        at: ev.at,
                        event_id: format!("msg_{}", util::uuid(&mut wrng).simple()),
                        payload: json!({
                            "type": kind,
                            "timestamp": iso(ev.at),
                            "data": {"subject": subject, "changes": diff.new_values(), "actor_id": (ev.actor > 0).then_some(ev.actor)},
                        }),
                        kind,
                    });
            }
        }
        let people = notices(w, ev);
        if people.is_empty() {
            continue;
        }
        let params = params(w, ev);
        let actor = (ev.actor > 0)
            .then(|| json!({"id": ev.actor, "name": w.users[(ev.actor - 1) as usize].name}));
        let subject = json!({"type": ev.st.alias(), "id": ev.subj});
        for n in people {
            let read = util::read_at(&mut nrng, ev.at, a);
            let data =
                json!({"kind": n.kind, "params": params, "subject": subject, "actor": actor});
            notes
                .push(vec![
                    s(util::ordered_uuid(&mut nrng, ev.at).to_string()),
                    s(n.class),
                    s("user"),
                    i(n.user),
                    j(data),
                    ot(read),
                    t(ev.at),
                    t(read.unwrap_or(ev.at)),
                ])
                .await?;
        }
    }
    drop(events);
    report.push(audit.finish().await?);
    report.push(notes.finish().await?);
    outbox::write(w, sink, outbox, wrng, report).await
}
