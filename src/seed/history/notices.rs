//! Who each change notifies, and the parameters each notification is rendered with.

use serde_json::{Value as JsonValue, json};

use super::{Ev, K, Notice, St, notice, pstatus};
use crate::domain::{ProjectStatus, TicketStatus};
use crate::seed::finance::payment_reference;
use crate::seed::util::iso;
use crate::seed::{ADMIN, EDITOR, FINANCE, OPS, SUPPORT, World};

/// Who a change notifies (each person once per change).
pub(super) fn notices(w: &World, ev: &Ev) -> Vec<Notice> {
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
pub(super) fn params(w: &World, ev: &Ev) -> JsonValue {
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
