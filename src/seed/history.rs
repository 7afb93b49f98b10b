//! What happened, in time order: one audit row per change (old and new values of the changed
//! fields only, like the back-office's own writes), the notifications each change sent, and
//! the webhook outbox of the last days with its delivery attempts.

use rand::Rng;
use serde_json::{Value as JsonValue, json};

use super::finance::payment_reference;
use super::util::{self, DAY, MINUTE, R, Sink, i, iso, j, oi, os, ot, pick, s, t, weighted};
use super::{ADMIN, EDITOR, FINANCE, OPS, SUPPORT, World};
use crate::domain::{
    ArticleStatus, Availability, EscrowStatus, ProjectStatus, TicketPriority, TicketStatus,
    default_targets,
};
use crate::store::audit::Diff;
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

const N: JsonValue = JsonValue::Null;

fn pstatus(k: i64) -> &'static str {
    ProjectStatus::ALL[k as usize].as_str()
}

/// The audit row of a change: (event, diff), or None for notification-only events.
fn render(w: &World, ev: &Ev) -> Option<(&'static str, Diff)> {
    let id = ev.subj;
    let m = &w.money;
    let out = match (ev.st, ev.kind) {
        (_, K::SlaBreached) | (St::Media, _) => return None,
        (St::Escrow | St::Review, _) | (_, K::Verified) if !w.plan.audit_everything => return None,
        (St::User, K::Created) => {
            let u = &w.users[(id - 1) as usize];
            (
                "created",
                Diff::created(vec![
                    ("name", json!(u.name)),
                    ("email", json!(u.email)),
                    ("phone", json!(u.phone)),
                    ("locale", json!(u.locale0)),
                ]),
            )
        }
        (St::User, K::Verified) => (
            "updated",
            Diff::new().field("email_verified_at", N, iso(ev.at)),
        ),
        (St::User, _) if ev.a == 1 => (
            "updated",
            Diff::new().field(
                "availability",
                Availability::ALL[ev.b as usize].as_str(),
                Availability::ALL[ev.c as usize].as_str(),
            ),
        ),
        (St::User, _) => (
            "updated",
            Diff::new().field(
                "locale",
                if ev.b == 1 { "fr" } else { "en" },
                if ev.c == 1 { "fr" } else { "en" },
            ),
        ),
        (St::Project, K::Created) => {
            let p = &w.projects[(id - 1) as usize];
            (
                "created",
                Diff::created(vec![
                    ("client_id", json!(p.client)),
                    ("title", json!(p.title)),
                    ("slug", json!(p.slug())),
                    ("budget_amount", json!(p.budget0)),
                    ("currency", json!(p.currency.code())),
                    ("estimated_hours", json!(p.hours)),
                    ("status", json!("draft")),
                ]),
            )
        }
        (St::Project, K::Assigned) => {
            let p = &w.projects[(id - 1) as usize];
            (
                "assigned",
                Diff::new()
                    .field("status", pstatus(ev.b), "assigned")
                    .field("developer_id", N, ev.a)
                    .field("agreed_amount", N, p.agreed)
                    .field("planned_hours", N, p.planned),
            )
        }
        (St::Project, K::Status) => {
            let p = &w.projects[(id - 1) as usize];
            let to = ProjectStatus::ALL[ev.c as usize];
            let first_start = p.started_at == Some(ev.at);
            let stamp = match to {
                ProjectStatus::InProgress if first_start => Some("started_at"),
                ProjectStatus::Delivered => Some("delivered_at"),
                ProjectStatus::Completed => Some("completed_at"),
                ProjectStatus::Cancelled => Some("cancelled_at"),
                _ => None,
            };
            let mut d = Diff::new().field("status", pstatus(ev.b), to.as_str());
            if let Some(col) = stamp {
                d = d.field(col, N, iso(ev.at));
            }
            ("status_changed", d)
        }
        (St::Project, _) if ev.a == 1 => {
            ("updated", Diff::new().field("budget_amount", ev.b, ev.c))
        }
        (St::Project, _) => (
            "updated",
            Diff::new().field("deadline_at", iso(ev.b), iso(ev.c)),
        ),
        (St::Review, K::Created) => {
            let r = &w.reviews[(id - 1) as usize];
            (
                "created",
                Diff::created(vec![
                    ("project_id", json!(r.project)),
                    ("reviewer_id", json!(r.reviewer)),
                    ("reviewee_id", json!(r.reviewee)),
                    ("rating", json!(r.rating)),
                    ("comment", json!(r.comment)),
                ]),
            )
        }
        (St::Review, _) => {
            let r = &w.reviews[(id - 1) as usize];
            let reason = r.hidden.map(|h| h.1);
            (
                "hidden",
                Diff::new()
                    .field("hidden_at", N, iso(ev.at))
                    .field("hidden_by", N, ev.actor)
                    .field("hidden_reason", N, reason),
            )
        }
        (St::Commission | St::ExtCommission, kind) => {
            let (project, amount, currency, d, rate) = if ev.st == St::Commission {
                let c = &m.commissions[(id - 1) as usize];
                (c.project, c.amount, c.currency, &c.d, Some(c.rate))
            } else {
                let e = &m.exts[(id - 1) as usize];
                (e.project, e.amount, e.currency, &e.d, e.rate)
            };
            let p = &w.projects[project];
            match kind {
                K::Created if ev.st == St::Commission => (
                    "created",
                    Diff::created(vec![
                        ("project_id", json!(p.id)),
                        ("gross_amount", json!(p.agreed)),
                        ("rate_bps", json!(rate)),
                        ("amount", json!(amount)),
                        ("currency", json!(currency.code())),
                        ("status", json!("pending")),
                        ("requested_by", json!(OPS)),
                    ]),
                ),
                K::Created => {
                    let e = &m.exts[(id - 1) as usize];
                    (
                        "created",
                        Diff::created(vec![
                            ("project_id", json!(p.id)),
                            ("role", json!(e.role)),
                            (
                                "basis",
                                json!(if e.rate.is_some() { "percent" } else { "fixed" }),
                            ),
                            ("rate_bps", json!(e.rate)),
                            ("amount", json!(amount)),
                            ("currency", json!(currency.code())),
                            ("status", json!("pending")),
                            ("requested_by", json!(OPS)),
                        ]),
                    )
                }
                K::FirstApproved => (
                    "first_approved",
                    Diff::new().field("first_approved_by", N, ev.actor).field(
                        "first_approved_at",
                        N,
                        iso(ev.at),
                    ),
                ),
                K::Approved => (
                    "approved",
                    Diff::new()
                        .field("status", "pending", "approved")
                        .field("approved_by", N, ev.actor)
                        .field("approved_at", N, iso(ev.at)),
                ),
                K::Rejected => (
                    "rejected",
                    Diff::new()
                        .field("status", "pending", "rejected")
                        .field("rejected_by", N, ev.actor)
                        .field("rejection_reason", N, d.rejected.map(|r| r.2)),
                ),
                K::Paid => (
                    "paid",
                    Diff::new()
                        .field("status", "approved", "paid")
                        .field("paid_by", N, ev.actor)
                        .field("payment_reference", N, payment_reference(ev.at, d.transfer))
                        .field("ledger_transfer_id", N, d.transfer),
                ),
                _ => (
                    "cancelled",
                    Diff::new()
                        .field(
                            "status",
                            if ev.a == 1 { "approved" } else { "pending" },
                            "cancelled",
                        )
                        .field("cancelled_by", N, ev.actor),
                ),
            }
        }
        (St::Ticket, K::Created) => {
            let tk = &w.tickets[(id - 1) as usize];
            (
                "created",
                Diff::created(vec![
                    ("reference", json!(tk.reference)),
                    ("requester_id", json!(tk.requester)),
                    ("project_id", json!(tk.project)),
                    ("subject", json!(tk.subject)),
                    ("category", json!(tk.category.as_str())),
                    ("priority", json!(tk.priority0.as_str())),
                    ("status", json!("new")),
                ]),
            )
        }
        (St::Ticket, K::Assigned) => {
            let tk = &w.tickets[(id - 1) as usize];
            let mut d = Diff::new().field("assignee_id", N, ev.a);
            if tk.status != TicketStatus::New {
                d = d.field("status", "new", "open");
            }
            ("assigned", d)
        }
        (St::Ticket, K::Status) => {
            let tk = &w.tickets[(id - 1) as usize];
            let (from, to) = (
                TicketStatus::ALL[(ev.a / 10) as usize],
                TicketStatus::ALL[(ev.a % 10) as usize],
            );
            let mut d = Diff::new().field("status", from.as_str(), to.as_str());
            if to == TicketStatus::Pending {
                d = d.field("paused_since", N, iso(ev.at));
            }
            if from == TicketStatus::Pending {
                d = d.field("paused_seconds", ev.b, ev.c);
            }
            if to == TicketStatus::Solved {
                d = d
                    .field("resolved_at", N, iso(ev.at))
                    .field("resolution", N, tk.resolution);
            }
            if to == TicketStatus::Closed {
                d = d.field("closed_at", N, iso(ev.at));
            }
            ("status_changed", d)
        }
        (St::Ticket, _) => {
            let tk = &w.tickets[(id - 1) as usize];
            let (old, new) = (
                TicketPriority::ALL[ev.a as usize],
                TicketPriority::ALL[ev.b as usize],
            );
            let due = |p| tk.created + default_targets(p).resolution_minutes * MINUTE;
            (
                "updated",
                Diff::new()
                    .field("priority", old.as_str(), new.as_str())
                    .field("resolution_due_at", iso(due(old)), iso(due(new))),
            )
        }
        (St::Article, K::Created) => {
            let a = &w.content.articles[(id - 1) as usize];
            (
                "created",
                Diff::created(vec![
                    ("author_id", json!(EDITOR)),
                    ("title", json!(a.title)),
                    ("slug", json!(a.slug())),
                    ("status", json!("draft")),
                ]),
            )
        }
        (St::Article, K::Published) => (
            "published",
            Diff::new()
                .field(
                    "status",
                    ArticleStatus::ALL[ev.a as usize].as_str(),
                    "published",
                )
                .field("published_at", N, iso(ev.at)),
        ),
        (St::Article, _) => (
            "status_changed",
            Diff::new().field(
                "status",
                ArticleStatus::ALL[ev.a as usize].as_str(),
                ArticleStatus::ALL[ev.b as usize].as_str(),
            ),
        ),
        (St::Escrow, K::Held) => (
            "held",
            Diff::new()
                .field("status", "awaiting_funds", "held")
                .field("amount_held", 0, ev.a),
        ),
        (St::Escrow, K::Released) => {
            let before = if ev.a == 0 {
                EscrowStatus::Held
            } else {
                EscrowStatus::PartiallyReleased
            };
            (
                "released",
                Diff::new()
                    .field(
                        "status",
                        before.as_str(),
                        EscrowStatus::ALL[ev.c as usize].as_str(),
                    )
                    .field("amount_released", ev.a, ev.b),
            )
        }
        // `c` names the status reached when it is not `refunded` (a partial refund).
        (St::Escrow, K::Refunded) => (
            "refunded",
            Diff::new()
                .field(
                    "status",
                    EscrowStatus::ALL[ev.a as usize].as_str(),
                    match ev.c {
                        0 => "refunded",
                        c => EscrowStatus::ALL[c as usize].as_str(),
                    },
                )
                .field("amount_refunded", 0, ev.b),
        ),
        (St::Escrow, _) => (
            "status_changed",
            Diff::new().field(
                "status",
                EscrowStatus::ALL[ev.a as usize].as_str(),
                "disputed",
            ),
        ),
        (St::Workload, _) => ("updated", Diff::new().field("planned_hours", ev.b, ev.c)),
        (St::Setting, _) => ("updated", Diff::new().field("payload", ev.b, ev.c)),
    };
    Some(out)
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

/// Who a change notifies (each person once per change).
fn notices(w: &World, ev: &Ev) -> Vec<Notice> {
    let id = ev.subj;
    let m = &w.money;
    let mut out = Vec::new();
    let busy = w.plan.busy_staff;
    match (ev.st, ev.kind) {
        (St::Project, K::Assigned) => {
            let p = &w.projects[(id - 1) as usize];
            for u in [ev.a, p.client] {
                out.push(notice(
                    u,
                    "App\\Notifications\\ProjectAssigned",
                    "project.assigned",
                ));
            }
        }
        (St::Project, K::Status) => {
            let p = &w.projects[(id - 1) as usize];
            let to = ProjectStatus::ALL[ev.c as usize];
            let mut people = vec![p.client];
            people.extend(p.dev);
            if to == ProjectStatus::Disputed {
                people.extend([OPS, ADMIN]);
            } else if busy && matches!(to, ProjectStatus::Completed | ProjectStatus::Cancelled) {
                people.push(OPS);
            }
            for u in people {
                if u != ev.actor {
                    out.push(notice(
                        u,
                        "App\\Notifications\\ProjectStatusChanged",
                        "project.status_changed",
                    ));
                }
            }
        }
        (St::Commission | St::ExtCommission, kind) => {
            let ext = ev.st == St::ExtCommission;
            let project = if ext {
                m.exts[(id - 1) as usize].project
            } else {
                m.commissions[(id - 1) as usize].project
            };
            let dev = w.projects[project].dev;
            let (class, kind_s, people): (&str, &str, Vec<i64>) = match (kind, ext) {
                (K::Created, false) => (
                    "App\\Notifications\\CommissionRequested",
                    "commission.requested",
                    FINANCE.to_vec(),
                ),
                (K::Created, true) => (
                    "App\\Notifications\\ExtCommissionRequested",
                    "ext_commission.requested",
                    FINANCE.to_vec(),
                ),
                (K::FirstApproved, _) => (
                    "App\\Notifications\\CommissionFirstApproved",
                    "commission.first_approved",
                    FINANCE
                        .iter()
                        .copied()
                        .filter(|f| *f != ev.actor)
                        .chain(busy.then_some(ADMIN))
                        .collect(),
                ),
                (K::Approved, _) => (
                    "App\\Notifications\\CommissionApproved",
                    "commission.approved",
                    [OPS].into_iter().chain(dev).collect(),
                ),
                (K::Rejected, _) => (
                    "App\\Notifications\\CommissionRejected",
                    "commission.rejected",
                    [OPS].into_iter().chain(dev).collect(),
                ),
                (K::Paid, _) => (
                    "App\\Notifications\\CommissionPaid",
                    "commission.paid",
                    [OPS].into_iter().chain(dev).collect(),
                ),
                _ => (
                    "App\\Notifications\\CommissionCancelled",
                    "commission.cancelled",
                    [OPS].into_iter().chain(dev).collect(),
                ),
            };
            for u in people {
                out.push(notice(u, class, kind_s));
            }
        }
        (St::Ticket, K::Created) => {
            for u in SUPPORT {
                out.push(notice(
                    u,
                    "App\\Notifications\\TicketCreated",
                    "ticket.created",
                ));
            }
        }
        (St::Ticket, K::Assigned) if ev.a != ev.actor => {
            out.push(notice(
                ev.a,
                "App\\Notifications\\TicketAssigned",
                "ticket.assigned",
            ));
        }
        (St::Ticket, K::Status) => {
            let tk = &w.tickets[(id - 1) as usize];
            out.push(notice(
                tk.requester,
                "App\\Notifications\\TicketStatusChanged",
                "ticket.status_changed",
            ));
            if let Some(agent) = tk
                .assignee
                .filter(|a| *a != ev.actor && (ev.actor == tk.requester || busy))
            {
                out.push(notice(
                    agent,
                    "App\\Notifications\\TicketStatusChanged",
                    "ticket.status_changed",
                ));
            }
        }
        (St::Ticket, K::SlaBreached) => {
            let tk = &w.tickets[(id - 1) as usize];
            let people: Vec<i64> = tk.assignee.map_or(SUPPORT.to_vec(), |a| vec![a]);
            for u in people {
                out.push(notice(
                    u,
                    "App\\Notifications\\TicketSlaBreached",
                    "ticket.sla_breached",
                ));
            }
        }
        (St::Review, K::Created) => {
            let r = &w.reviews[(id - 1) as usize];
            out.push(notice(
                r.reviewee,
                "App\\Notifications\\ReviewReceived",
                "review.received",
            ));
        }
        (St::Article, K::Published) => {
            let to = if ev.actor == EDITOR { ADMIN } else { EDITOR };
            out.push(notice(
                to,
                "App\\Notifications\\ArticlePublished",
                "article.published",
            ));
        }
        (St::Article, K::Status) if ev.b == 1 => {
            out.push(notice(
                ADMIN,
                "App\\Notifications\\ArticleReviewRequested",
                "article.review_requested",
            ));
        }
        (St::Escrow, K::Held) => {
            let e = &m.escrows[(id - 1) as usize];
            out.extend(
                w.projects[e.project]
                    .dev
                    .map(|d| notice(d, "App\\Notifications\\EscrowFunded", "escrow.funded")),
            );
        }
        (St::Escrow, K::Released) if ev.actor == 0 => {
            let e = &m.escrows[(id - 1) as usize];
            out.extend(
                w.projects[e.project]
                    .dev
                    .map(|d| notice(d, "App\\Notifications\\PaymentReleased", "escrow.released")),
            );
        }
        (St::Escrow, K::Refunded) => {
            let e = &m.escrows[(id - 1) as usize];
            out.push(notice(
                w.projects[e.project].client,
                "App\\Notifications\\EscrowRefunded",
                "escrow.refunded",
            ));
        }
        (St::Escrow, K::Disputed) => {
            for u in FINANCE {
                out.push(notice(
                    u,
                    "App\\Notifications\\EscrowDisputed",
                    "escrow.disputed",
                ));
            }
        }
        (St::Workload, _) => {
            let p = &w.projects[(ev.a - 1) as usize];
            out.extend(
                p.dev
                    .map(|d| notice(d, "App\\Notifications\\WorkloadUpdated", "workload.updated")),
            );
        }
        (St::Media, _) => out.push(notice(
            EDITOR,
            "App\\Notifications\\MediaAwaitingModeration",
            "media.uploaded",
        )),
        (St::Setting, _) => {
            for u in FINANCE {
                out.push(notice(
                    u,
                    "App\\Notifications\\SettingChanged",
                    "setting.changed",
                ));
            }
        }
        _ => {}
    }
    // Nobody is told about their own action, and each person once per kind.
    out.retain(|n| n.user != ev.actor);
    let mut seen: Vec<(i64, &str)> = Vec::with_capacity(out.len());
    out.retain(|n| {
        let key = (n.user, n.kind);
        let fresh = !seen.contains(&key);
        seen.push(key);
        fresh
    });
    out
}

/// The parameters a notification is rendered with.
fn params(w: &World, ev: &Ev) -> JsonValue {
    let id = ev.subj;
    let m = &w.money;
    let project = |k: usize| {
        let p = &w.projects[k];
        (p.id, p.title.as_str())
    };
    match ev.st {
        St::Project => {
            let (pid, title) = project((id - 1) as usize);
            if ev.kind == K::Assigned {
                let dev = w.users[(ev.a - 1) as usize].name.as_str();
                json!({"project_id": pid, "project_title": title, "developer": dev})
            } else {
                json!({"project_id": pid, "project_title": title, "from": pstatus(ev.b), "to": pstatus(ev.c)})
            }
        }
        St::Commission | St::ExtCommission => {
            let (k, amount, currency, d) = if ev.st == St::Commission {
                let c = &m.commissions[(id - 1) as usize];
                (c.project, c.amount, c.currency, &c.d)
            } else {
                let e = &m.exts[(id - 1) as usize];
                (e.project, e.amount, e.currency, &e.d)
            };
            let (pid, title) = project(k);
            let mut p = json!({"amount": amount, "currency": currency.code(), "project_id": pid, "project_title": title});
            match ev.kind {
                K::Rejected => p["reason"] = json!(d.rejected.map(|r| r.2)),
                K::Paid => p["reference"] = json!(payment_reference(ev.at, d.transfer)),
                _ => {}
            }
            p
        }
        St::Ticket => {
            let tk = &w.tickets[(id - 1) as usize];
            match ev.kind {
                K::Status => json!({
                    "reference": tk.reference,
                    "from": TicketStatus::ALL[(ev.a / 10) as usize].as_str(),
                    "to": TicketStatus::ALL[(ev.a % 10) as usize].as_str(),
                }),
                K::SlaBreached => {
                    json!({"reference": tk.reference, "subject": tk.subject, "due_at": iso(tk.resolution_due)})
                }
                _ => json!({"reference": tk.reference, "subject": tk.subject}),
            }
        }
        St::Review => {
            let r = &w.reviews[(id - 1) as usize];
            let (pid, title) = project((r.project - 1) as usize);
            json!({"project_id": pid, "project_title": title, "rating": r.rating})
        }
        St::Article => json!({"title": w.content.articles[(id - 1) as usize].title}),
        St::Escrow => {
            let e = &m.escrows[(id - 1) as usize];
            let (pid, title) = project(e.project);
            let amount = match ev.kind {
                K::Held => ev.a,
                K::Released => ev.b - ev.a,
                K::Refunded => ev.b,
                _ => e.held,
            };
            json!({"project_id": pid, "project_title": title, "amount": amount, "currency": e.currency.code()})
        }
        St::Workload => {
            let (pid, title) = project((ev.a - 1) as usize);
            json!({"project_id": pid, "project_title": title, "planned_hours": ev.c})
        }
        St::Setting => json!({"group": "commission", "name": "default_rate_bps", "value": ev.c}),
        St::Media => {
            let m = &w.content.media[(id - 1) as usize];
            json!({"name": m.name, "collection": m.collection, "model_type": m.model_type, "model_id": m.model_id})
        }
        St::User => json!({}),
    }
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

    // The outbox and what was delivered to each subscribed endpoint.
    let mut table = sink.table(schema::WEBHOOK_EVENTS, outbox.len() as u64);
    for (k, o) in outbox.iter().enumerate() {
        table
            .push(vec![
                i(k as i64 + 1),
                s(o.event_id.as_str()),
                s(o.kind.as_str()),
                j(o.payload.clone()),
                t(o.at),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut rows = Vec::new();
    for (k, o) in outbox.iter().enumerate() {
        let event = k as i64 + 1;
        for e in w.content.endpoints.iter().filter(|e| e.wants(&o.kind)) {
            match e.disabled {
                Some((at, _)) if o.at >= at => continue,
                Some((at, _)) if o.at >= at - 6 * 3_600 => {
                    // The endpoint answered 410 Gone: no retry, and it was disabled.
                    rows.push((
                        event,
                        e.id,
                        1,
                        "gave_up",
                        Some(410),
                        Some("410 Gone"),
                        None,
                        o.at + 2,
                        o.at + 2,
                    ));
                }
                _ => {
                    let sent = o.at + wrng.random_range(1..5);
                    if sent > a {
                        rows.push((
                            event,
                            e.id,
                            1,
                            "pending",
                            None,
                            None,
                            Some(a + 5),
                            o.at,
                            o.at,
                        ));
                    } else if wrng.random_bool(0.08) {
                        let code = [500, 502, 503][weighted(&mut wrng, &[40, 40, 20])];
                        let retry = sent + wrng.random_range(30..600);
                        rows.push((
                            event,
                            e.id,
                            1,
                            "failed",
                            Some(code),
                            Some("le serveur distant a répondu une erreur"),
                            Some(retry),
                            sent,
                            sent,
                        ));
                        if retry <= a {
                            rows.push((
                                event,
                                e.id,
                                2,
                                "succeeded",
                                Some(200),
                                None,
                                None,
                                retry,
                                retry,
                            ));
                        } else {
                            rows.push((
                                event,
                                e.id,
                                2,
                                "pending",
                                None,
                                None,
                                Some(retry),
                                sent,
                                sent,
                            ));
                        }
                    } else {
                        rows.push((
                            event,
                            e.id,
                            1,
                            "succeeded",
                            Some(200),
                            None,
                            None,
                            sent,
                            sent,
                        ));
                    }
                }
            }
        }
    }
    let mut table = sink.table(schema::WEBHOOK_DELIVERIES, rows.len() as u64);
    for (k, (event, endpoint, attempt, status, code, error, next, created, updated)) in
        rows.into_iter().enumerate()
    {
        table
            .push(vec![
                i(k as i64 + 1),
                i(event),
                i(endpoint),
                i(attempt),
                s(status),
                oi(code),
                os(error),
                ot(next),
                t(created.min(a)),
                t(updated.min(a)),
            ])
            .await?;
    }
    report.push(table.finish().await?);
    Ok(())
}
