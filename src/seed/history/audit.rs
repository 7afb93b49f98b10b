//! The audit row of each change: its event and the old and new values of the fields it changed.

use serde_json::{Value as JsonValue, json};

use super::{Ev, K, St, pstatus};
use crate::domain::{
    ArticleStatus, Availability, EscrowStatus, ProjectStatus, TicketPriority, TicketStatus,
    default_targets,
};
use crate::seed::finance::payment_reference;
use crate::seed::util::{MINUTE, iso};
use crate::seed::{EDITOR, OPS, World};
use crate::store::audit::Diff;

const N: JsonValue = JsonValue::Null;

/// The audit row of a change: (event, diff), or None for notification-only events.
pub(super) fn render(w: &World, ev: &Ev) -> Option<(&'static str, Diff)> {
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
