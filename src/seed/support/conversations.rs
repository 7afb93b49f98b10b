//! Conversations on projects and tickets: who takes part, how long each thread runs, and the
//! conversations, participants, messages and new-message notifications written.

use rand::Rng;
use serde_json::{Value as JsonValue, json};

use super::Ticket;
use crate::domain::ProjectStatus;
use crate::seed::finance::{Money, code};
use crate::seed::projects::Project;
use crate::seed::threads;
use crate::seed::util::{
    self, Clock, DAY, HOUR, MINUTE, Sink, after, b, i, j, no_json, oi, ot, s, t, weighted,
};
use crate::seed::{OPS, Plan, SUPPORT};
use crate::store::{StoreError, schema};

/// A conversation about a project or a ticket; its messages (`threads::thread`) are generated
/// again, the same, wherever they are needed.
pub(crate) struct Conv {
    pub id: i64,
    pub ticket: Option<usize>,
    pub project: Option<usize>,
    pub start: i64,
    pub end: i64,
    /// How long the thread should be about; `count` is how long it is.
    pub target: usize,
    pub count: usize,
    pub first_message: i64,
    /// When its last message was sent.
    pub last: i64,
    /// [client or requester, developer or assignee (if any), staff...]
    pub people: Vec<i64>,
    /// A project's escrow: when the money was held and when the final payment was released.
    pub funded: Option<i64>,
    pub paid: Option<i64>,
}

impl Conv {
    /// A key of what the conversation is about, for its own random stream.
    pub fn key(&self) -> u64 {
        match (self.ticket, self.project) {
            (Some(k), _) => (1 << 40) + k as u64,
            (None, Some(k)) => k as u64,
            _ => u64::MAX,
        }
    }
}

pub(in crate::seed) fn conversations(
    plan: &Plan,
    seed: u64,
    clock: Clock,
    projects: &[Project],
    tickets: &[Ticket],
    money: &Money,
) -> Vec<Conv> {
    let mut rng = util::rng(seed, "conversations");
    let a = clock.anchor;
    // When each project's escrow was funded and its final payment released.
    let mut funded: Vec<Option<i64>> = vec![None; projects.len()];
    for e in &money.escrows {
        funded[e.project] = e
            .hold
            .and_then(|t| money.transfers.get((t - 1) as usize))
            .map(|t| t.at);
    }
    let mut paid: Vec<Option<i64>> = vec![None; projects.len()];
    for t in &money.transfers {
        let k = (t.project - 1) as usize;
        let done = projects.get(k).and_then(|p| p.completed_at);
        if t.code == code::RELEASE && done.is_some_and(|d| t.at >= d) {
            paid[k] = Some(paid[k].map_or(t.at, |p: i64| p.max(t.at)));
        }
    }
    let mut convs = Vec::new();
    for (k, p) in projects.iter().enumerate() {
        let (Some(dev), Some(start)) = (p.dev, p.assigned_at) else {
            continue;
        };
        // A dispute is decided reading the project's thread: disputed projects always have one.
        let drawn = rng.random_bool(plan.project_conv_share);
        if !drawn && !p.hist.iter().any(|h| h.0 == ProjectStatus::Disputed) {
            continue;
        }
        let end = match p.completed_at.or(p.cancelled_at) {
            Some(done) => after(&mut rng, done, MINUTE, DAY, a - MINUTE),
            None => util::between(
                &mut rng,
                (a - 5 * DAY).max(start + HOUR),
                a - MINUTE,
                a - MINUTE,
            ),
        };
        // The thread runs at least until the last thing that happened to the project.
        let last = p.hist.last().map_or(start, |h| h.1);
        let end = end.max(last).max(paid[k].unwrap_or(start)).min(a);
        let mut people = vec![p.client, dev];
        let disputed = p.hist.iter().any(|h| h.0 == ProjectStatus::Disputed);
        if disputed || rng.random_bool(0.1) {
            people.push(OPS);
        }
        convs.push(Conv {
            id: 0,
            ticket: None,
            project: Some(k),
            start,
            end: end.max(start),
            target: 0,
            count: 0,
            first_message: 0,
            last: 0,
            people,
            funded: funded[k].filter(|at| (start..=end).contains(at)),
            paid: paid[k].filter(|at| (start..=end).contains(at)),
        });
    }
    let n_projects = convs.len();
    for (k, tk) in tickets.iter().enumerate() {
        let mut people = vec![tk.requester];
        people.extend(tk.assignee);
        if tk.assignee.is_some() && rng.random_bool(0.2) {
            people.push(SUPPORT[0] + SUPPORT[1] - tk.assignee.unwrap_or(SUPPORT[0]));
        }
        // A ticket closed by the system days after its solution was quiet since.
        let end = match (tk.auto_closed, tk.resolved) {
            (true, Some(resolved)) => resolved,
            _ => tk.last_activity,
        };
        convs.push(Conv {
            id: 0,
            ticket: Some(k),
            project: None,
            start: tk.created,
            end: end.max(tk.first_responded.unwrap_or(tk.created)),
            target: 0,
            count: 0,
            first_message: 0,
            last: 0,
            people,
            funded: None,
            paid: None,
        });
    }
    // Ticket threads are shorter than project threads.
    let avg = plan.messages as f64 / (n_projects as f64 + 0.6 * tickets.len() as f64).max(1.0);
    for c in &mut convs {
        let mean = if c.ticket.is_some() { avg * 0.6 } else { avg };
        c.target = ((mean * rng.random_range(0.4..1.6)).round() as usize).max(2);
    }
    convs.sort_by_key(|c| c.start);
    let mut next = 1;
    for (k, c) in convs.iter_mut().enumerate() {
        c.id = k as i64 + 1;
        let thread = threads::thread(seed, c, projects, tickets);
        c.count = thread.len();
        c.last = thread.last().map_or(c.start, |m| m.at);
        c.first_message = next;
        next += c.count as i64;
    }
    convs
}

/// Conversations, participants and messages.
pub(in crate::seed) async fn write_messages(
    w: &crate::seed::World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let mut rng = util::rng(w.seed, "messages");
    let a = w.clock.anchor;
    let mut table = sink.table(schema::CONVERSATIONS, w.convs.len() as u64);
    for c in &w.convs {
        let (kind, subject, title) = match (c.ticket, c.project) {
            (Some(k), _) => {
                let tk = &w.tickets[k];
                (
                    "support_ticket",
                    tk.id,
                    format!("{} · {}", tk.reference, tk.subject),
                )
            }
            (None, Some(k)) => ("project", w.projects[k].id, w.projects[k].title.clone()),
            _ => continue,
        };
        let last = c.last;
        table
            .push(vec![
                i(c.id),
                s(kind),
                i(subject),
                s(title),
                t(last),
                t(c.start),
                t(last),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let total: usize = w.convs.iter().map(|c| c.people.len()).sum();
    let mut table = sink.table(schema::CONVERSATION_PARTICIPANTS, total as u64);
    let mut id = 0;
    for c in &w.convs {
        let thread = threads::thread(w.seed, c, &w.projects, &w.tickets);
        let last = c.first_message + c.count as i64 - 1;
        for who in &c.people {
            id += 1;
            let read = match weighted(&mut rng, &[70, 20, 10]) {
                0 => Some(last),
                1 => Some(rng.random_range(c.first_message..=last)),
                _ => None,
            };
            let seen = read.and_then(|m| thread.get((m - c.first_message) as usize).map(|m| m.at));
            let viewing = seen.filter(|at| read == Some(last) && *at > a - 10 * MINUTE);
            table
                .push(vec![
                    i(id),
                    i(c.id),
                    i(*who),
                    oi(read),
                    ot(None),
                    ot(viewing),
                    t(c.start),
                    t(seen.unwrap_or(c.start)),
                ])
                .await?;
        }
    }
    report.push(table.finish().await?);

    let total: usize = w.convs.iter().map(|c| c.count).sum();
    let mut table = sink.table(schema::MESSAGES, total as u64);
    // People are told about new messages in their conversations (some of them).
    let mut nrng = util::rng(w.seed, "message-notifications");
    let share = w.plan.message_notify_share;
    let mut notes = sink.table(schema::NOTIFICATIONS, (total as f64 * share * 1.2) as u64);
    for c in &w.convs {
        let subject = match (c.ticket, c.project) {
            (Some(k), _) => json!({"type": "support_ticket", "id": w.tickets[k].id}),
            (None, Some(k)) => json!({"type": "project", "id": w.projects[k].id}),
            _ => JsonValue::Null,
        };
        let thread = threads::thread(w.seed, c, &w.projects, &w.tickets);
        for (k, m) in thread.iter().enumerate() {
            let id = c.first_message + k as i64;
            let (at, sender, body, internal) = (m.at, m.sender, m.body, m.internal);
            let edited = (sender.is_some() && rng.random_bool(0.03))
                .then(|| (at + rng.random_range(MINUTE..30 * MINUTE)).min(a));
            let deleted = (sender.is_some() && !internal && rng.random_bool(0.005))
                .then(|| (at + rng.random_range(HOUR..DAY)).min(a));
            let updated = at.max(edited.unwrap_or(at)).max(deleted.unwrap_or(at));
            table
                .push(vec![
                    i(id),
                    i(c.id),
                    oi(sender),
                    s(body),
                    b(internal),
                    ot(edited),
                    t(at),
                    t(updated),
                    ot(deleted),
                    // The platform's notes in each reader's language.
                    match m.note {
                        Some(step) => j(json!({"key": format!("system_note.{step}")})),
                        None => no_json(),
                    },
                ])
                .await?;
            let Some(from) = sender.filter(|_| !internal) else {
                continue;
            };
            for to in &c.people {
                if *to == from || !nrng.random_bool(share) {
                    continue;
                }
                let name = w.users[(from - 1) as usize].name.as_str();
                let excerpt: String = body.chars().take(80).collect();
                let read = util::read_at(&mut nrng, at, a);
                let data = json!({
                    "kind": "message.received",
                    "params": {"conversation_id": c.id, "sender": name, "excerpt": excerpt},
                    "subject": subject,
                    "actor": {"id": from, "name": name},
                });
                notes
                    .push(vec![
                        s(util::ordered_uuid(&mut nrng, at).to_string()),
                        s("App\\Notifications\\NewMessage"),
                        s("user"),
                        i(*to),
                        util::j(data),
                        ot(read),
                        t(at),
                        t(read.unwrap_or(at)),
                    ])
                    .await?;
            }
        }
    }
    report.push(table.finish().await?);
    report.push(notes.finish().await?);
    Ok(())
}
