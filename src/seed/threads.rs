//! What is said in a conversation, in the order things happened and each thing once.
//!
//! A ticket's thread opens with the ticket's own text, gets its first reply when the ticket
//! says it did, goes through questions, notes and attempts, and ends the way the ticket's status
//! says (a question while it waits on the requester, the solution once solved, the requester's
//! go-ahead before an agent closes it). A project's thread follows the project's history: the
//! platform's notes at the moments the project changed (assigned, funded, delivered, revision,
//! dispute, payment, cancellation) and, between them, what the client, the developer and
//! operations said at that stage. Lines come from `assets/seed/messages.txt`, where every text
//! appears once; a thread never takes an exchange twice, so it never repeats a message.
//!
//! The same conversation gives the same thread every time (its own random stream), so the
//! thread is generated again wherever it is needed instead of being kept in memory.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rand::Rng;

use super::OPS;
use super::projects::Project;
use super::support::{Conv, Ticket};
use super::util::{self, DAY, HOUR, MINUTE, R};
use super::words::{WORDS, Who};
use crate::domain::{ProjectStatus, TicketStatus};

/// One message of a thread.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Msg<'a> {
    pub at: i64,
    /// None: the platform's own note.
    pub sender: Option<i64>,
    pub body: &'a str,
    pub internal: bool,
    /// The platform's note of what happened (`on-funded`…): each reader sees it in their own
    /// language (`system_note.<step>`), `body` being the client's.
    pub note: Option<&'static str>,
}

/// The exchanges of each (ticket?, step), as positions in the word list (its file order).
static POOLS: LazyLock<BTreeMap<(bool, &'static str), Vec<usize>>> = LazyLock::new(|| {
    let mut pools: BTreeMap<(bool, &'static str), Vec<usize>> = BTreeMap::new();
    for (k, e) in WORDS.exchanges.iter().enumerate() {
        pools.entry((e.ticket, e.step)).or_default().push(k);
    }
    pools
});

fn pool(ticket: bool, step: &'static str) -> &'static [usize] {
    POOLS.get(&(ticket, step)).map_or(&[], Vec::as_slice)
}

/// The exchanges not taken yet of what fits.
fn open(candidates: &[usize], taken: &[usize], fits: impl Fn(usize) -> bool) -> Vec<usize> {
    candidates
        .iter()
        .copied()
        .filter(|k| !taken.contains(k) && fits(*k))
        .collect()
}

/// Takes one exchange at random among `candidates`; None when none is left.
fn take(rng: &mut R, candidates: &[usize], taken: &mut Vec<usize>) -> Option<usize> {
    if candidates.is_empty() {
        return None;
    }
    let k = candidates[rng.random_range(0..candidates.len())];
    taken.push(k);
    Some(k)
}

/// The thread of a conversation: about `c.target` messages (a ticket's thread always has the
/// ones its status needs), every one at or before `c.end`.
pub(super) fn thread<'a>(
    seed: u64,
    c: &Conv,
    projects: &'a [Project],
    tickets: &'a [Ticket],
) -> Vec<Msg<'a>> {
    let mut rng = util::rng(seed ^ c.key().wrapping_mul(0x9e37_79b9_7f4a_7c15), "thread");
    match (c.ticket, c.project) {
        (Some(k), _) => ticket_thread(&mut rng, c, &tickets[k]),
        (None, Some(k)) => project_thread(&mut rng, c, &projects[k]),
        _ => Vec::new(),
    }
}

fn ticket_thread<'a>(rng: &mut R, c: &Conv, tk: &'a Ticket) -> Vec<Msg<'a>> {
    use TicketStatus as S;
    let category = tk.category;
    let fits = |k: usize| WORDS.exchanges[k].fits(category);
    let mut taken: Vec<usize> = Vec::new();
    // (who, text) in the order they are said.
    let mut lines: Vec<(Who, &'a str)> = vec![(Who::Requester, tk.body.as_str())];
    let (Some(first_at), Some(_)) = (tk.first_responded, c.people.get(1)) else {
        // Nobody answered yet: the requester may have added a detail or two.
        let extra = if c.end > c.start {
            c.target.saturating_sub(1).min(2)
        } else {
            0
        };
        for _ in 0..extra {
            let left = open(pool(true, "detail"), &taken, fits);
            if let Some(k) = take(rng, &left, &mut taken) {
                lines.extend(WORDS.exchanges[k].lines.iter().copied());
            }
        }
        return timed(rng, c, tk, &lines, None);
    };
    let one = |rng: &mut R, step: &'static str, taken: &mut Vec<usize>| {
        let left = open(pool(true, step), taken, fits);
        take(rng, &left, taken).map(|k| &WORDS.exchanges[k].lines)
    };
    if let Some(l) = one(rng, "first", &mut taken) {
        lines.extend(l.iter().copied());
    }
    // The solution the agent gives (the ticket's resolution, or one of its category).
    let solution = || {
        WORDS
            .resolutions
            .iter()
            .find(|r| Some(r.text) == tk.resolution)
            .or_else(|| WORDS.resolutions.iter().find(|r| r.category == category))
            .map(|r| (Who::Agent, r.message))
    };
    // How the thread ends, chosen first so the middle does not use its lines.
    let mut ending: Vec<(Who, &'a str)> = Vec::new();
    match tk.status {
        S::Open => {
            // The requester wrote again, if anything happened since the first reply.
            if c.end > first_at && c.target >= 3 {
                ending.extend(one(rng, "followup", &mut taken).into_iter().flatten());
            }
        }
        S::Pending => {
            // Waiting on the requester: the agent's question (an answer comes later), and
            // sometimes a reminder.
            let left = open(pool(true, "ask"), &taken, fits);
            if let Some(k) = take(rng, &left, &mut taken) {
                ending.extend(WORDS.exchanges[k].lines.first().copied());
            }
            if rng.random_bool(0.3) {
                ending.extend(one(rng, "nudge", &mut taken).into_iter().flatten());
            }
        }
        S::OnHold => ending.extend(one(rng, "wait", &mut taken).into_iter().flatten()),
        S::Solved | S::Closed => {
            ending.extend(solution());
            let by_agent = tk.status == S::Closed && !tk.auto_closed;
            if by_agent && rng.random_bool(0.75) {
                ending.extend(one(rng, "confirm", &mut taken).into_iter().flatten());
            } else if by_agent {
                ending.extend(one(rng, "nudge", &mut taken).into_iter().flatten());
                ending.extend(one(rng, "unanswered", &mut taken).into_iter().flatten());
            } else if rng.random_bool(0.4) {
                ending.extend(one(rng, "thanks", &mut taken).into_iter().flatten());
            }
        }
        S::New => {}
    }
    // In between: questions and their answers, notes, attempts that did not work, in that
    // order, as many as the thread has room for (its end comes on top).
    let quiet = tk.status == S::Open && c.end <= first_at;
    let mut room = if quiet {
        0
    } else {
        c.target.saturating_sub(lines.len())
    };
    let mut middle: Vec<(usize, usize)> = Vec::new();
    const MIDDLE: [&str; 3] = ["ask", "note", "retry"];
    for _ in 0..8 {
        if room == 0 {
            break;
        }
        let rank = rng.random_range(0..MIDDLE.len());
        let left = open(pool(true, MIDDLE[rank]), &taken, |k| {
            fits(k) && WORDS.exchanges[k].lines.len() <= room
        });
        if let Some(k) = take(rng, &left, &mut taken) {
            room -= WORDS.exchanges[k].lines.len();
            middle.push((rank, k));
        }
    }
    middle.sort_by_key(|m| m.0);
    for (_, k) in middle {
        lines.extend(WORDS.exchanges[k].lines.iter().copied());
    }
    lines.extend(ending);
    timed(rng, c, tk, &lines, Some(first_at))
}

/// Times of a ticket's lines: the first when the ticket was opened, the first reply when the
/// ticket says, the rest spread up to the end of the conversation (the last one at its end).
fn timed<'a>(
    rng: &mut R,
    c: &Conv,
    tk: &Ticket,
    lines: &[(Who, &'a str)],
    first_reply: Option<i64>,
) -> Vec<Msg<'a>> {
    let staff: Vec<i64> = c.people.iter().copied().filter(|p| *p <= 7).collect();
    let agent = tk.assignee.or_else(|| staff.first().copied());
    let (from, skip) = match first_reply {
        Some(at) => (at, 2),
        None => (c.start, 1),
    };
    let later = lines.len().saturating_sub(skip);
    lines
        .iter()
        .enumerate()
        .map(|(k, (who, body))| {
            let at = match k {
                0 => c.start,
                1 if first_reply.is_some() => from,
                _ => {
                    let j = (k + 1 - skip) as i64;
                    from + (c.end - from) * j / later.max(1) as i64
                }
            };
            let (sender, internal) = match who {
                Who::Requester | Who::Client => (Some(c.people[0]), false),
                Who::Internal => {
                    let who = if staff.is_empty() {
                        agent
                    } else {
                        Some(staff[rng.random_range(0..staff.len())])
                    };
                    (who, true)
                }
                _ => (agent, false),
            };
            Msg {
                at: at.min(c.end).max(c.start),
                sender,
                body,
                internal,
                note: None,
            }
        })
        .collect()
}

/// A stage of a project's thread: what is said in it, from when, until when.
struct Phase {
    step: &'static str,
    from: i64,
    to: i64,
}

fn project_thread<'a>(rng: &mut R, c: &Conv, p: &'a Project) -> Vec<Msg<'a>> {
    use ProjectStatus as P;
    let has_ops = c.people.contains(&OPS);
    // The platform's notes, (at, step), and the stages between them.
    let mut notes: Vec<(i64, &'static str)> = Vec::new();
    let mut phases: Vec<Phase> = Vec::new();
    let enter = |phases: &mut Vec<Phase>, step: &'static str, at: i64| {
        if let Some(last) = phases.last_mut() {
            last.to = at;
        }
        phases.push(Phase {
            step,
            from: at,
            to: c.end,
        });
    };
    let mut delivered = false;
    let mut revising = false;
    for (status, at) in p.hist.iter().filter(|h| h.1 >= c.start) {
        let at = (*at).min(c.end);
        match status {
            P::Assigned => {
                notes.push((at, "on-assigned"));
                enter(&mut phases, "kickoff", at);
            }
            // Back to work after a revision request: still the revision.
            P::InProgress if revising => {}
            P::InProgress => enter(&mut phases, "work", at),
            P::Delivered => {
                notes.push((
                    at,
                    if delivered {
                        "on-redelivered"
                    } else {
                        "on-delivered"
                    },
                ));
                delivered = true;
                revising = false;
                enter(&mut phases, "delivered", at);
            }
            P::RevisionRequested => {
                notes.push((at, "on-revision"));
                revising = true;
                enter(&mut phases, "revision", at);
            }
            P::Disputed => {
                notes.push((at, "on-disputed"));
                enter(&mut phases, "dispute", at);
            }
            P::Completed => enter(&mut phases, "completed", at),
            P::Cancelled => {
                notes.push((at, "on-cancelled"));
                enter(&mut phases, "cancelled", at);
            }
            P::Draft | P::Open => {}
        }
    }
    if let Some(at) = c.funded {
        notes.push((at, "on-funded"));
    }
    if let Some(at) = c.paid {
        notes.push((at, "on-paid"));
    }
    if notes.iter().all(|n| n.1 != "on-assigned") {
        notes.push((c.start, "on-assigned"));
    }
    let mut msgs: Vec<Msg<'a>> = Vec::new();
    let mut said: Vec<&'static str> = Vec::new();
    for (at, step) in &notes {
        let Some(k) = pool(false, step).first() else {
            continue;
        };
        for (_, text) in &WORDS.exchanges[*k].lines {
            if !said.contains(text) {
                said.push(text);
                msgs.push(Msg {
                    at: *at,
                    sender: None,
                    body: text,
                    internal: false,
                    note: Some(*step),
                });
            }
        }
    }
    // What people said (the platform's notes come on top of it, but the first), shared among
    // the stages by how long each lasted; a short stage still has its say.
    let mut room = c.target.saturating_sub(1);
    let weight = |ph: &Phase| (ph.to - ph.from).max(3 * DAY) as f64;
    let total: f64 = phases.iter().map(weight).sum();
    let mut taken: Vec<usize> = Vec::new();
    let mut carry = 0usize;
    let last = phases.len().saturating_sub(1);
    for (n, ph) in phases.iter().enumerate() {
        let share = if n == last {
            room
        } else {
            ((room as f64 * weight(ph) / total.max(1.0)).round() as usize).min(room)
        };
        let mut quota = (share + carry).min(room);
        let mut chosen: Vec<usize> = Vec::new();
        loop {
            let left = open(pool(false, ph.step), &taken, |k| {
                let e = &WORDS.exchanges[k];
                e.lines.len() <= quota && (has_ops || e.lines.iter().all(|l| l.0 != Who::Ops))
            });
            let Some(k) = take(rng, &left, &mut taken) else {
                break;
            };
            quota -= WORDS.exchanges[k].lines.len();
            room -= WORDS.exchanges[k].lines.len();
            chosen.push(k);
        }
        carry = quota;
        // In the file's order, spread over the stage; an answer follows its question within
        // hours.
        chosen.sort_unstable();
        let span = ph.to - ph.from;
        let n = chosen.len() as i64;
        for (j, k) in chosen.iter().enumerate() {
            let begin = ph.from + span * (j as i64 + 1) / (n + 1);
            let next = ph.from + span * (j as i64 + 2) / (n + 1);
            let lines = &WORDS.exchanges[*k].lines;
            let gap = rng
                .random_range(10 * MINUTE..6 * HOUR)
                .min((next - begin) / (lines.len() as i64 + 1));
            for (i, (who, text)) in lines.iter().enumerate() {
                let sender = match who {
                    Who::Client => c.people[0],
                    Who::Dev => c.people[1],
                    _ => OPS,
                };
                msgs.push(Msg {
                    at: begin + gap * i as i64,
                    sender: Some(sender),
                    body: text,
                    internal: false,
                    note: None,
                });
            }
        }
    }
    // Time order; the platform's note of a change comes before what was said about it.
    msgs.sort_by_key(|m| (m.at, m.sender.is_some()));
    msgs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_project_note_exists() {
        for step in [
            "on-assigned",
            "on-funded",
            "on-delivered",
            "on-redelivered",
            "on-revision",
            "on-disputed",
            "on-paid",
            "on-cancelled",
        ] {
            assert_eq!(pool(false, step).len(), 1, "{step}");
            // Its words for every reader; the French ones are what the seed writes.
            let key = format!("system_note.{step}");
            let fr = crate::tr(crate::domain::Locale::Fr, &key, &[]);
            let line = WORDS.exchanges[pool(false, step)[0]].lines[0].1;
            assert_eq!(fr, line, "{step}");
            assert_ne!(crate::tr(crate::domain::Locale::En, &key, &[]), key);
        }
        for step in [
            "kickoff",
            "work",
            "delivered",
            "revision",
            "dispute",
            "completed",
            "cancelled",
        ] {
            assert!(!pool(false, step).is_empty(), "{step}");
        }
    }
}
