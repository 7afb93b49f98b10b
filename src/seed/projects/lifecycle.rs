//! Each project's life, draft to completed or cancelled: the scenarios every seed contains,
//! the rest drawn by fate, with its budget, title, skills and the audited status changes.

use rand::Rng;

use super::{Flag, Project, status_index};
use crate::domain::{Availability, Currency, ProjectStatus};
use crate::seed::history::{Ev, K, St};
use crate::seed::people::User;
use crate::seed::util::{
    self, Clock, DAY, HOUR, MINUTE, R, WEEK, between, monday, next_monday, normal, pick, round_to,
    weighted,
};
use crate::seed::words::WORDS;
use crate::seed::{OPS, Plan};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Normal,
    Revision,
    DisputeDone,
    DisputeCancel,
    CancelDraft,
    CancelOpen,
    CancelAssigned,
    StayDraft,
    StayOpen,
}

const FATES: [(Fate, u32); 9] = [
    (Fate::Normal, 60),
    (Fate::Revision, 12),
    (Fate::DisputeDone, 3),
    (Fate::DisputeCancel, 3),
    (Fate::CancelDraft, 3),
    (Fate::CancelOpen, 8),
    (Fate::CancelAssigned, 3),
    (Fate::StayDraft, 4),
    (Fate::StayOpen, 4),
];

/// Projects every seed contains, placed relative to the anchor so every status and the
/// approval queue's interesting cases are on screen: (days ago created, fate, status at the
/// anchor, hours ago it was entered, commission flag).
const SCENARIOS: [(i64, Fate, Option<ProjectStatus>, i64, Flag); 17] = {
    use Fate::*;
    use ProjectStatus as P;
    [
        (3, StayDraft, None, 0, Flag::None),
        (6, StayOpen, None, 0, Flag::None),
        (10, Normal, Some(P::Assigned), 30, Flag::None),
        (30, Normal, Some(P::InProgress), 240, Flag::None),
        (36, Revision, Some(P::RevisionRequested), 20, Flag::None),
        (50, DisputeDone, Some(P::Disputed), 96, Flag::None),
        (26, CancelOpen, Some(P::Cancelled), 150, Flag::None),
        (40, Normal, Some(P::Delivered), 50, Flag::Pending),
        (62, Normal, Some(P::Completed), 70, Flag::BigPending),
        (70, Normal, Some(P::Delivered), 26, Flag::BigPending),
        (56, Normal, Some(P::Completed), 48, Flag::BigFirst),
        (45, Normal, Some(P::Completed), 96, Flag::Pending),
        (38, Normal, Some(P::Completed), 30, Flag::Pending),
        (33, Normal, Some(P::Delivered), 75, Flag::Pending),
        (66, Normal, Some(P::Completed), 110, Flag::Pending),
        (48, Normal, Some(P::Completed), 52, Flag::Pending),
        (58, Normal, Some(P::Completed), 60, Flag::Pending),
    ]
};

/// (created, fate, target status and when it was entered, commission flag)
type Spec = (i64, Fate, Option<(ProjectStatus, i64)>, Flag);

fn hours_between(rng: &mut R, lo: i64, hi: i64) -> i64 {
    rng.random_range(lo * HOUR..=hi * HOUR)
}

/// The statuses a fate goes through after `draft`, each with its delay after the previous.
fn path(rng: &mut R, fate: Fate, work: i64) -> Vec<(ProjectStatus, i64)> {
    use Fate::*;
    use ProjectStatus as P;
    let mut p = Vec::with_capacity(8);
    match fate {
        StayDraft => return p,
        CancelDraft => {
            p.push((P::Cancelled, hours_between(rng, 24, 20 * 24)));
            return p;
        }
        _ => p.push((P::Open, hours_between(rng, 1, 72))),
    }
    match fate {
        StayOpen => return p,
        CancelOpen => {
            p.push((P::Cancelled, hours_between(rng, 3 * 24, 30 * 24)));
            return p;
        }
        _ => p.push((P::Assigned, hours_between(rng, 24, 18 * 24))),
    }
    if fate == CancelAssigned {
        p.push((P::Cancelled, hours_between(rng, 24, 10 * 24)));
        return p;
    }
    p.push((P::InProgress, hours_between(rng, 12, 6 * 24)));
    match fate {
        Revision => {
            p.push((P::Delivered, work));
            p.push((P::RevisionRequested, hours_between(rng, 24, 5 * 24)));
            p.push((P::InProgress, hours_between(rng, 6, 48)));
            p.push((P::Delivered, hours_between(rng, 3 * 24, 14 * 24)));
            p.push((P::Completed, hours_between(rng, 24, 8 * 24)));
        }
        DisputeDone => {
            p.push((P::Delivered, work));
            p.push((P::Disputed, hours_between(rng, 24, 6 * 24)));
            p.push((P::Completed, hours_between(rng, 5 * 24, 25 * 24)));
        }
        DisputeCancel => {
            p.push((
                P::Disputed,
                (work as f64 * rng.random_range(0.3..0.8)) as i64,
            ));
            p.push((P::Cancelled, hours_between(rng, 5 * 24, 25 * 24)));
        }
        _ => {
            p.push((P::Delivered, work));
            p.push((P::Completed, hours_between(rng, 24, 10 * 24)));
        }
    }
    p
}

fn budget(rng: &mut R, currency: Currency) -> i64 {
    let z = normal(rng);
    let tail = if rng.random_bool(0.01) {
        rng.random_range(5.0..15.0)
    } else {
        1.0
    };
    match currency {
        Currency::EUR => {
            round_to(90_000.0 * (0.8 * z).exp() * tail, 5_000).clamp(15_000, 6_000_000)
        }
        _ => round_to(450_000.0 * (0.8 * z).exp() * tail, 5_000).clamp(50_000, 60_000_000),
    }
}

fn title(rng: &mut R, city: &str) -> String {
    let kind = pick(rng, &WORDS.kinds);
    let object = pick(rng, &WORDS.objects);
    if rng.random_bool(0.5) {
        format!("{kind} {object} à {city}")
    } else {
        format!("{kind} {object}")
    }
}

/// Two to four skills the work needs; an assigned developer holds most of them, as whoever
/// staffed the project would have made sure.
pub(super) fn skills(rng: &mut R, developer: Option<&[&'static str]>) -> Vec<&'static str> {
    use rand::seq::SliceRandom;
    let n = rng.random_range(2..=4);
    let mut out: Vec<&'static str> = Vec::with_capacity(n);
    if let Some(held) = developer {
        let mut held = held.to_vec();
        held.shuffle(rng);
        out.extend(held.into_iter().take(n - 1));
    }
    while out.len() < n {
        let s = pick(rng, &WORDS.skills);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn description(rng: &mut R) -> String {
    let n = rng.random_range(2..=3);
    (0..n)
        .map(|_| pick(rng, &WORDS.blurbs))
        .collect::<Vec<_>>()
        .join(" ")
}

fn actor_for(
    rng: &mut R,
    to: ProjectStatus,
    from: ProjectStatus,
    client: i64,
    dev: Option<i64>,
) -> i64 {
    use ProjectStatus as P;
    let dev = dev.unwrap_or(OPS);
    match to {
        P::Open | P::RevisionRequested => client,
        P::InProgress | P::Delivered => dev,
        P::Completed => {
            if rng.random_bool(0.7) {
                client
            } else {
                OPS
            }
        }
        P::Disputed => {
            if rng.random_bool(0.6) {
                client
            } else {
                dev
            }
        }
        P::Cancelled if matches!(from, P::Draft | P::Open) => client,
        _ => OPS,
    }
}

pub(in crate::seed) fn build(
    plan: &Plan,
    seed: u64,
    clock: Clock,
    users: &mut [User],
    events: &mut Vec<Ev>,
) -> Vec<Project> {
    let mut rng = util::rng(seed, "projects");
    let a = clock.anchor;
    let mut specs: Vec<Spec> = Vec::with_capacity(plan.projects);
    let natural = plan.projects.saturating_sub(SCENARIOS.len());
    let fate_weights: Vec<u32> = FATES
        .iter()
        .zip(plan.fate_bias)
        .map(|(f, b)| f.1 * b)
        .collect();
    for k in 0..natural {
        let created = clock.nth(&mut rng, clock.start, k, natural);
        let fate = FATES[weighted(&mut rng, &fate_weights)].0;
        specs.push((created, fate, None, Flag::None));
    }
    for (days, fate, target, hours_ago, flag) in SCENARIOS {
        let created = a - days * DAY - rng.random_range(0..6 * HOUR);
        let target = target.map(|st| (st, a - hours_ago * HOUR - rng.random_range(0..2 * HOUR)));
        specs.push((created, fate, target, flag));
    }
    specs.sort_by_key(|s| s.0);

    let clients: Vec<i64> = users.iter().filter(|u| u.client).map(|u| u.id).collect();
    let xof_clients: Vec<i64> = users
        .iter()
        .filter(|u| u.client && u.city().currency == Currency::XOF)
        .map(|u| u.id)
        .collect();
    let devs: Vec<i64> = users
        .iter()
        .filter(|u| u.dev.is_some())
        .map(|u| u.id)
        .collect();
    let created_of = |users: &[User], id: i64| users[(id - 1) as usize].created;

    let mut projects = Vec::with_capacity(specs.len());
    for (k, (created0, fate, target, flag)) in specs.into_iter().enumerate() {
        let id = k as i64 + 1;
        let big = matches!(flag, Flag::BigPending | Flag::BigFirst);
        let pool = if big { &xof_clients } else { &clients };
        let eligible = pool
            .partition_point(|c| created_of(users, *c) <= created0 - HOUR)
            .max(1);
        let client = pool[rng.random_range(0..eligible)];
        let created = created0.max(created_of(users, client) + HOUR);
        let cu = &users[(client - 1) as usize];
        let mut currency = cu.city().currency;
        if currency == Currency::XOF && !big && rng.random_bool(0.03) {
            currency = Currency::EUR;
        }
        let city = cu.city().name;
        let mut budget = budget(&mut rng, currency);
        if big {
            budget = round_to(rng.random_range(15_000_000.0..25_000_000.0), 100_000);
        }
        let xof_equiv = if currency == Currency::EUR {
            budget * 656 / 100
        } else {
            budget
        };
        let hours =
            (round_to(xof_equiv as f64 / rng.random_range(4_500.0..9_000.0), 2)).clamp(8, 900);
        let weeks = (hours as f64 / rng.random_range(12.0..30.0)).clamp(1.0, 16.0);
        let work = (weeks * WEEK as f64) as i64 + rng.random_range(0..2 * DAY);
        let deadline = {
            let natural = 7 * DAY + 4 * DAY + work + 7 * DAY;
            let d = created + (natural as f64 * rng.random_range(1.0..1.3)) as i64;
            d - d.rem_euclid(HOUR)
        };

        let stages = path(&mut rng, fate, work);
        let mut hist: Vec<(ProjectStatus, i64)> = Vec::with_capacity(stages.len());
        match target {
            Some((st, entered)) => {
                let upto = stages
                    .iter()
                    .position(|s| s.0 == st)
                    .unwrap_or(stages.len().saturating_sub(1));
                let cum: Vec<i64> = stages[..=upto]
                    .iter()
                    .scan(0i64, |acc, s| {
                        *acc += s.1;
                        Some(*acc)
                    })
                    .collect();
                let total = (*cum.last().unwrap_or(&1)).max(1) as f64;
                let span = (entered - created).max(HOUR) as f64;
                for (j, stage) in stages[..=upto].iter().enumerate() {
                    hist.push((stage.0, created + (cum[j] as f64 / total * span) as i64));
                }
            }
            None => {
                let mut at = created;
                for (st, delay) in stages {
                    at += delay;
                    if at > a - MINUTE {
                        break;
                    }
                    hist.push((st, at));
                }
            }
        }

        // The developer, chosen when the project was assigned.
        let mut dev = None;
        if let Some(pos) = hist.iter().position(|h| h.0 == ProjectStatus::Assigned) {
            let at = hist[pos].1;
            let active = hist.last().is_some_and(|h| h.0.is_active());
            let n = devs.partition_point(|d| created_of(users, *d) <= at - HOUR);
            let ok = |u: &User| {
                u.id != client
                    && u.dev.as_ref().is_some_and(|d| {
                        !active
                            || (d.availability != Availability::Unavailable
                                && d.active < d.max_active)
                    })
            };
            for _ in 0..40 {
                if n == 0 {
                    break;
                }
                let c = devs[rng.random_range(0..n)];
                if ok(&users[(c - 1) as usize]) {
                    dev = Some(c);
                    break;
                }
            }
            if dev.is_none() && n > 0 {
                let start = rng.random_range(0..n);
                dev = (0..n)
                    .map(|x| devs[(start + x) % n])
                    .find(|c| ok(&users[(*c - 1) as usize]));
            }
            match dev {
                Some(c) if active => {
                    if let Some(d) = users[(c - 1) as usize].dev.as_mut() {
                        d.active += 1;
                    }
                }
                Some(_) => {}
                None => hist.truncate(pos),
            }
        }

        let status = hist.last().map_or(ProjectStatus::Draft, |h| h.0);
        let stamp = |st: ProjectStatus, last: bool| {
            let mut it = hist.iter().filter(|h| h.0 == st).map(|h| h.1);
            if last { it.next_back() } else { it.next() }
        };
        let assigned_at = stamp(ProjectStatus::Assigned, false);
        let started_at = stamp(ProjectStatus::InProgress, false);
        let delivered_at = if status == ProjectStatus::InProgress {
            None
        } else {
            stamp(ProjectStatus::Delivered, true)
        };
        let completed_at = stamp(ProjectStatus::Completed, true);
        let cancelled_at = stamp(ProjectStatus::Cancelled, true);
        let agreed = assigned_at.map(|_| {
            if big {
                budget
            } else {
                round_to(budget as f64 * rng.random_range(0.85..1.10), 5_000)
            }
        });
        let starts_on = match (started_at, assigned_at) {
            (Some(s), _) => Some(monday(s)),
            (None, Some(a_at)) if status == ProjectStatus::Assigned => Some(next_monday(a_at)),
            _ => None,
        };

        events.push(Ev::new(created, client, K::Created, St::Project, id));
        let mut lock = 0;
        let mut updated = created;
        // Budget edits while the project is still a draft or open; the last one lands on `budget`.
        let free_until = assigned_at.or(cancelled_at).unwrap_or(a) - MINUTE;
        let edits = (plan.project_updates * 0.4 * rng.random::<f64>() * 2.0).round() as usize;
        let mut times = Vec::with_capacity(edits);
        let mut at = created;
        for _ in 0..edits {
            at = between(&mut rng, at + HOUR, at + 4 * DAY, free_until);
            if at >= free_until {
                break;
            }
            times.push(at);
        }
        let mut budgets = vec![budget];
        for _ in 0..times.len() {
            let prev = budgets[budgets.len() - 1];
            budgets.push(round_to(prev as f64 * rng.random_range(0.8..1.2), 5_000));
        }
        budgets.reverse();
        let budget0 = budgets[0];
        for (k, at) in times.iter().enumerate() {
            if budgets[k] == budgets[k + 1] {
                continue;
            }
            let mut ev = Ev::new(*at, client, K::Updated, St::Project, id);
            (ev.a, ev.b, ev.c) = (1, budgets[k], budgets[k + 1]);
            events.push(ev);
            lock += 1;
            updated = updated.max(*at);
        }

        let mut prev = ProjectStatus::Draft;
        for (st, at) in &hist {
            let mut ev = if *st == ProjectStatus::Assigned {
                let mut ev = Ev::new(*at, OPS, K::Assigned, St::Project, id);
                ev.a = dev.unwrap_or_default();
                ev
            } else {
                let actor = actor_for(&mut rng, *st, prev, client, dev);
                Ev::new(*at, actor, K::Status, St::Project, id)
            };
            ev.b = status_index(prev);
            ev.c = status_index(*st);
            events.push(ev);
            prev = *st;
            lock += 1;
            updated = updated.max(*at);
        }
        // Deadline moved by ops while the work is under way; the last move lands on `deadline`.
        let mut deadline_final = deadline;
        if let (Some(from), true) = (assigned_at, plan.project_updates > 0.0) {
            let until = completed_at.or(cancelled_at).unwrap_or(a) - MINUTE;
            let moves = (plan.project_updates * 0.6 * rng.random::<f64>() * 2.0).round() as usize;
            let mut at = from;
            let mut old = deadline - (moves as i64) * 7 * DAY;
            for _ in 0..moves {
                at = between(&mut rng, at + HOUR, at + 10 * DAY, until);
                if at >= until {
                    break;
                }
                let new = old + 7 * DAY;
                let mut ev = Ev::new(at, OPS, K::Updated, St::Project, id);
                (ev.a, ev.b, ev.c) = (2, old, new);
                events.push(ev);
                old = new;
                lock += 1;
                updated = updated.max(at);
            }
            deadline_final = old;
        }

        projects.push(Project {
            id,
            client,
            dev,
            title: title(&mut rng, city),
            description: description(&mut rng),
            currency,
            budget0,
            budget,
            agreed,
            status,
            hours,
            created,
            deadline: deadline_final,
            starts_on,
            assigned_at,
            started_at,
            delivered_at,
            completed_at,
            cancelled_at,
            hist,
            updated,
            lock_version: lock,
            flag,
            planned: 0,
        });
    }
    projects
}
