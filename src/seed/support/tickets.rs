//! Support tickets: the scenarios every seed contains, the rest drawn, each with stamps and
//! history consistent with its status (SLA targets, pauses, breaches).

use rand::Rng;

use crate::domain::{TicketCategory, TicketPriority, TicketStatus, default_targets};
use crate::seed::history::{Ev, K, St};
use crate::seed::people::User;
use crate::seed::projects::Project;
use crate::seed::util::{
    self, Clock, DAY, HOUR, MINUTE, R, Sink, after, i, oi, os, ot, pick, s, t, weighted,
};
use crate::seed::words::WORDS;
use crate::seed::{Plan, SUPPORT};
use crate::store::{StoreError, schema};

/// Subjects that test the terminal's hygiene: escape sequences, bidi overrides, emoji, CJK.
pub(crate) const HOSTILE_SUBJECT: &str =
    "Facture \u{1b}]0;owned\u{7} impayée \u{1b}[2J\u{1b}[31m rouge \u{202e}txet\u{202c}";
pub(crate) const EMOJI_SUBJECT: &str = "Paiement bloqué 💸 支付问题";

pub(crate) struct Ticket {
    pub id: i64,
    pub reference: String,
    pub requester: i64,
    pub assignee: Option<i64>,
    pub project: Option<i64>,
    pub subject: String,
    pub body: String,
    pub category: TicketCategory,
    /// Priority when the ticket was opened (a later change is audited).
    pub priority0: TicketPriority,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub created: i64,
    pub first_response_due: i64,
    pub first_responded: Option<i64>,
    pub resolution_due: i64,
    pub resolved: Option<i64>,
    pub closed: Option<i64>,
    pub paused_seconds: i64,
    pub paused_since: Option<i64>,
    pub resolution: Option<&'static str>,
    /// Closed by the system days after it was solved (not by the agent on request).
    pub auto_closed: bool,
    pub last_activity: i64,
    pub lock_version: i64,
}

struct Spec {
    created: i64,
    status: TicketStatus,
    priority: TicketPriority,
    category: TicketCategory,
    assigned: bool,
    subject: Option<&'static str>,
}

/// Tickets every seed contains: (hours ago, status, priority, category, assigned, subject).
type Scenario = (
    i64,
    TicketStatus,
    TicketPriority,
    TicketCategory,
    bool,
    Option<&'static str>,
);

const SCENARIOS: [Scenario; 13] = {
    use TicketCategory as C;
    use TicketPriority as P;
    use TicketStatus as S;
    [
        (
            30,
            S::New,
            P::Urgent,
            C::Billing,
            false,
            Some(HOSTILE_SUBJECT),
        ),
        (2, S::New, P::Normal, C::Technical, false, None),
        (50, S::Open, P::High, C::Dispute, true, None),
        (5, S::Open, P::Low, C::Account, true, None),
        (
            30,
            S::Pending,
            P::Normal,
            C::Billing,
            true,
            Some(EMOJI_SUBJECT),
        ),
        (20, S::OnHold, P::High, C::Technical, true, None),
        (40, S::Solved, P::Urgent, C::Dispute, true, None),
        (8 * 24, S::Closed, P::Low, C::Other, true, None),
        (12, S::Open, P::Urgent, C::Technical, false, None),
        (72, S::Pending, P::Low, C::Other, true, None),
        (5 * 24, S::OnHold, P::Normal, C::Account, true, None),
        (1, S::New, P::High, C::Other, false, None),
        (80, S::Open, P::Normal, C::Billing, true, None),
    ]
};

fn natural_status(rng: &mut R, age: i64) -> TicketStatus {
    use TicketStatus::*;
    let weights: [u32; 6] = if age < DAY {
        [40, 35, 12, 5, 8, 0]
    } else if age < 7 * DAY {
        [8, 28, 20, 10, 26, 8]
    } else if age < 30 * DAY {
        [2, 8, 6, 4, 15, 65]
    } else {
        [0, 1, 1, 1, 2, 95]
    };
    [New, Open, Pending, OnHold, Solved, Closed][weighted(rng, &weights)]
}

fn prio_index(p: TicketPriority) -> i64 {
    TicketPriority::ALL
        .iter()
        .position(|x| *x == p)
        .unwrap_or(0) as i64
}

pub(in crate::seed) fn status_index(s: TicketStatus) -> i64 {
    TicketStatus::ALL.iter().position(|x| *x == s).unwrap_or(0) as i64
}

pub(in crate::seed) fn tickets(
    plan: &Plan,
    seed: u64,
    clock: Clock,
    users: &[User],
    projects: &[Project],
    events: &mut Vec<Ev>,
) -> Vec<Ticket> {
    let mut rng = util::rng(seed, "tickets");
    let a = clock.anchor;
    let mut specs: Vec<Spec> = Vec::with_capacity(plan.tickets);
    let natural = plan.tickets.saturating_sub(SCENARIOS.len());
    let recent = (natural as f64 * plan.ticket_recent_share).round() as usize;
    let older = natural - recent;
    let priorities = [
        TicketPriority::Low,
        TicketPriority::Normal,
        TicketPriority::High,
        TicketPriority::Urgent,
    ];
    let categories = [
        TicketCategory::Billing,
        TicketCategory::Technical,
        TicketCategory::Dispute,
        TicketCategory::Account,
        TicketCategory::Other,
    ];
    for k in 0..natural {
        let created = if k < older {
            clock.nth(&mut rng, clock.start, k, older).min(a - 21 * DAY)
        } else {
            rng.random_range(a - 21 * DAY..a - 10 * MINUTE)
        };
        let status = natural_status(&mut rng, a - created);
        let assigned = match status {
            TicketStatus::New => false,
            TicketStatus::Open => rng.random_bool(0.85),
            _ => true,
        };
        specs.push(Spec {
            created,
            status,
            priority: priorities[weighted(&mut rng, &[20, 50, 22, 8])],
            category: categories[weighted(&mut rng, &[30, 30, 10, 15, 15])],
            assigned,
            subject: None,
        });
    }
    for (hours, status, priority, category, assigned, subject) in SCENARIOS {
        specs.push(Spec {
            created: a - hours * HOUR - rng.random_range(0..40 * MINUTE),
            status,
            priority,
            category,
            assigned,
            subject,
        });
    }
    specs.sort_by_key(|s| s.created);

    // Projects each user is part of, oldest first, to link tickets to one of them.
    let mut by_user: Vec<Vec<usize>> = (0..=users.len()).map(|_| Vec::new()).collect();
    for (k, p) in projects.iter().enumerate() {
        by_user[p.client as usize].push(k);
        if let Some(d) = p.dev {
            by_user[d as usize].push(k);
        }
    }
    let platform: Vec<&User> = users.iter().filter(|u| u.staff.is_none()).collect();

    // What requesters write comes from its own stream.
    let mut texts = util::rng(seed, "ticket-texts");
    let mut out = Vec::with_capacity(specs.len());
    for (k, spec) in specs.into_iter().enumerate() {
        let id = k as i64 + 1;
        let n = platform
            .partition_point(|u| u.created <= spec.created - HOUR)
            .max(1);
        let requester = platform[rng.random_range(0..n)].id;
        let created = spec
            .created
            .max(users[(requester - 1) as usize].created + HOUR)
            .min(a - MINUTE);
        let theirs = &by_user[requester as usize];
        let before = theirs.partition_point(|p| projects[*p].created < created);
        let link = if spec.category == TicketCategory::Dispute {
            0.9
        } else {
            0.4
        };
        let project = (before > 0 && rng.random_bool(link))
            .then(|| projects[theirs[rng.random_range(0..before)]].id);
        let subject = spec.subject.map_or_else(
            || {
                let options: Vec<&str> = WORDS
                    .ticket_subjects
                    .iter()
                    .filter(|s| s.0 == spec.category)
                    .map(|s| s.1)
                    .collect();
                (pick(&mut rng, &options)).to_owned()
            },
            str::to_owned,
        );
        // An opening (sometimes), the problem, a closing (sometimes): different sentences.
        let part = |rng: &mut R, part: &str| {
            let options: Vec<&'static str> = WORDS
                .ticket_bodies
                .iter()
                .filter(|b| b.0 == part && b.1.is_none_or(|c| c == spec.category))
                .map(|b| b.2)
                .collect();
            (!options.is_empty()).then(|| pick(rng, &options))
        };
        let opening = texts
            .random_bool(0.5)
            .then(|| part(&mut texts, "opening"))
            .flatten();
        let problem = part(&mut texts, "problem");
        let closing = texts
            .random_bool(0.6)
            .then(|| part(&mut texts, "closing"))
            .flatten();
        let body = [opening, problem, closing]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        out.push(derive(
            &mut rng, plan, id, spec, created, requester, project, subject, body, a, events,
        ));
    }
    out
}

/// Stamps and history consistent with the wanted status, all in [created, anchor].
#[allow(clippy::too_many_arguments)]
fn derive(
    rng: &mut R,
    plan: &Plan,
    id: i64,
    spec: Spec,
    created: i64,
    requester: i64,
    project: Option<i64>,
    subject: String,
    body: String,
    a: i64,
    events: &mut Vec<Ev>,
) -> Ticket {
    use TicketStatus as S;
    let priority = spec.priority;
    let targets = default_targets(priority);
    let fr = targets.first_response_minutes * MINUTE;
    let res = targets.resolution_minutes * MINUTE;
    let mut tk = Ticket {
        id,
        reference: format!("TCK-{}-{:06}", util::year(created), id),
        requester,
        assignee: None,
        project,
        subject,
        body,
        category: spec.category,
        priority0: priority,
        priority,
        status: spec.status,
        created,
        first_response_due: created + fr,
        first_responded: None,
        resolution_due: created + res,
        resolved: None,
        closed: None,
        paused_seconds: 0,
        paused_since: None,
        resolution: None,
        auto_closed: false,
        last_activity: created,
        lock_version: 0,
    };
    let end = a - MINUTE;
    events.push(Ev::new(created, requester, K::Created, St::Ticket, id));
    let mut cur = created;
    let mut lock = 0;
    let status =
        |ev_at: i64, actor: i64, from: S, to: S, paused: (i64, i64), events: &mut Vec<Ev>| {
            let mut ev = Ev::new(ev_at, actor, K::Status, St::Ticket, id);
            ev.a = status_index(from) * 10 + status_index(to);
            (ev.b, ev.c) = paused;
            events.push(ev);
        };
    // The requester picked a priority; triage sometimes corrects it in the first minutes.
    if rng.random_bool((plan.ticket_updates * 0.5).min(1.0)) {
        let old = pick(
            rng,
            &[
                TicketPriority::Low,
                TicketPriority::Normal,
                TicketPriority::High,
            ],
        );
        if old != priority {
            let at = after(rng, cur, MINUTE, 20 * MINUTE, end);
            tk.priority0 = old;
            let mut ev = Ev::new(at, pick(rng, &SUPPORT), K::Updated, St::Ticket, id);
            (ev.a, ev.b) = (prio_index(old), prio_index(priority));
            events.push(ev);
            lock += 1;
            cur = at;
        }
    }
    if spec.status != S::New {
        let assigned = spec.assigned || !matches!(spec.status, S::Open);
        if assigned {
            let who = if rng.random_bool(0.55) {
                SUPPORT[0]
            } else {
                SUPPORT[1]
            };
            let at = after(rng, cur, 3 * MINUTE, (fr * 6 / 10).max(10 * MINUTE), end);
            let by = if rng.random_bool(0.75) {
                who
            } else {
                SUPPORT[0] + SUPPORT[1] - who
            };
            let mut ev = Ev::new(at, by, K::Assigned, St::Ticket, id);
            ev.a = who;
            events.push(ev);
            tk.assignee = Some(who);
            lock += 1;
            // The first public reply (a message).
            let reply = after(rng, at, 2 * MINUTE, (fr * 13 / 10).max(5 * MINUTE), end);
            tk.first_responded = Some(reply);
            cur = reply;
        } else {
            // Triaged (new -> open) but nobody took it yet.
            let at = after(rng, cur, 10 * MINUTE, fr.max(20 * MINUTE), end);
            status(at, SUPPORT[0], S::New, S::Open, (0, 0), events);
            lock += 1;
            cur = at;
        }
        let agent = tk.assignee.unwrap_or(SUPPORT[0]);
        let cycle =
            |rng: &mut R, cur: &mut i64, tk: &mut Ticket, lock: &mut i64, events: &mut Vec<Ev>| {
                let p1 = after(rng, *cur, HOUR, 2 * DAY, end);
                let p2 = after(rng, p1, HOUR, 3 * DAY, end);
                if p2 >= end {
                    return;
                }
                status(p1, agent, S::Open, S::Pending, (0, 0), events);
                let before = tk.paused_seconds;
                tk.paused_seconds += p2 - p1;
                status(
                    p2,
                    requester,
                    S::Pending,
                    S::Open,
                    (before, tk.paused_seconds),
                    events,
                );
                *lock += 2;
                *cur = p2;
            };
        match spec.status {
            S::Open => {
                if assigned && rng.random_bool(0.3) {
                    cycle(rng, &mut cur, &mut tk, &mut lock, events);
                }
                // The requester wrote again since.
                if rng.random_bool(0.5) {
                    cur = after(rng, cur, 30 * MINUTE, DAY, end);
                }
            }
            S::Pending => {
                if rng.random_bool(0.2) {
                    cycle(rng, &mut cur, &mut tk, &mut lock, events);
                }
                let at = after(rng, cur, 20 * MINUTE, 2 * DAY, end);
                status(at, agent, S::Open, S::Pending, (0, 0), events);
                tk.paused_since = Some(at);
                lock += 1;
                cur = at;
            }
            S::OnHold => {
                let at = after(rng, cur, 20 * MINUTE, 2 * DAY, end);
                status(at, agent, S::Open, S::OnHold, (0, 0), events);
                lock += 1;
                cur = at;
            }
            S::Solved | S::Closed => {
                if rng.random_bool(0.3) {
                    cycle(rng, &mut cur, &mut tk, &mut lock, events);
                }
                let within = (res as f64 * rng.random_range(0.15..1.2)) as i64;
                let at = after(rng, cur, HOUR, within.max(2 * HOUR), end - HOUR);
                status(at, agent, S::Open, S::Solved, (0, 0), events);
                tk.resolved = Some(at);
                let fitting: Vec<&'static str> = WORDS
                    .resolutions
                    .iter()
                    .filter(|r| r.category == tk.category)
                    .map(|r| r.text)
                    .collect();
                tk.resolution = (!fitting.is_empty()).then(|| pick(rng, &fitting));
                lock += 1;
                cur = at;
                if spec.status == S::Closed {
                    // Closed automatically four days after solved, or by the agent on request.
                    let (at, by) = if cur + 4 * DAY <= end {
                        (cur + 4 * DAY, 0)
                    } else {
                        (after(rng, cur, 10 * MINUTE, DAY, end), agent)
                    };
                    status(at, by, S::Solved, S::Closed, (0, 0), events);
                    tk.closed = Some(at);
                    tk.auto_closed = by == 0;
                    lock += 1;
                    cur = at;
                }
            }
            S::New => {}
        }
    } else if rng.random_bool(0.3) {
        // The requester added details while waiting.
        cur = after(rng, cur, 10 * MINUTE, 6 * HOUR, end);
    }
    tk.last_activity = cur;
    tk.lock_version = lock;
    // SLA breach alerts: still open past the deadline, or solved late.
    let breached = matches!(tk.status, S::New | S::Open | S::OnHold) && tk.resolution_due < a
        || tk.resolved.is_some_and(|r| r > tk.resolution_due);
    if breached {
        events.push(Ev::new(
            tk.resolution_due,
            0,
            K::SlaBreached,
            St::Ticket,
            id,
        ));
    }
    tk
}

pub(in crate::seed) async fn write(
    w: &crate::seed::World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let mut table = sink.table(schema::SUPPORT_TICKETS, w.tickets.len() as u64);
    for tk in &w.tickets {
        table
            .push(vec![
                i(tk.id),
                s(tk.reference.as_str()),
                i(tk.requester),
                oi(tk.assignee),
                oi(tk.project),
                s(tk.subject.as_str()),
                s(tk.body.as_str()),
                s(tk.category.as_str()),
                s(tk.priority.as_str()),
                s(tk.status.as_str()),
                t(tk.first_response_due),
                ot(tk.first_responded),
                t(tk.resolution_due),
                ot(tk.resolved),
                ot(tk.closed),
                i(tk.paused_seconds),
                ot(tk.paused_since),
                os(tk.resolution),
                t(tk.last_activity),
                oi(None),
                i(tk.lock_version),
                t(tk.created),
                t(tk.last_activity),
            ])
            .await?;
    }
    report.push(table.finish().await?);
    Ok(())
}
