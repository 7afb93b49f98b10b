//! Projects (their whole life: draft to completed or cancelled), reviews and the workload grid.

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;

use super::history::{Ev, K, St};
use super::people::User;
use super::util::{
    self, Clock, DAY, HOUR, MINUTE, R, Sink, WEEK, after, between, d, i, monday, next_monday,
    normal, od, oi, os, ot, pick, round_to, s, t, weighted,
};
use super::words::WORDS;
use super::{OPS, Plan};
use crate::domain::{Availability, Currency, ProjectStatus, slugify};
use crate::store::{StoreError, schema};

/// What the commission of a project must look like (demo scenarios).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flag {
    None,
    /// A pending commission under the dual-approval threshold.
    Pending,
    /// A pending commission above the threshold, no approval yet.
    BigPending,
    /// A pending commission above the threshold with the first approval (finance2) in.
    BigFirst,
}

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

pub(crate) struct Project {
    pub id: i64,
    pub client: i64,
    pub dev: Option<i64>,
    pub title: String,
    pub description: String,
    pub currency: Currency,
    /// Budget when the project was created (later edits are audited).
    pub budget0: i64,
    pub budget: i64,
    pub agreed: Option<i64>,
    pub status: ProjectStatus,
    pub hours: i64,
    pub created: i64,
    pub deadline: i64,
    pub starts_on: Option<NaiveDate>,
    pub assigned_at: Option<i64>,
    pub started_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    /// Every status entered after `draft`, with when.
    pub hist: Vec<(ProjectStatus, i64)>,
    pub updated: i64,
    pub lock_version: i64,
    pub flag: Flag,
    /// Hours planned in the workload grid when the developer was assigned.
    pub planned: i64,
}

impl Project {
    pub fn slug(&self) -> String {
        let base = slugify(&self.title);
        if base.is_empty() {
            format!("projet-{}", self.id)
        } else {
            format!("{base}-{}", self.id)
        }
    }
}

pub(super) fn status_index(s: ProjectStatus) -> i64 {
    ProjectStatus::ALL.iter().position(|x| *x == s).unwrap_or(0) as i64
}

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
fn skills(rng: &mut R, developer: Option<&[&'static str]>) -> Vec<&'static str> {
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

pub(super) fn build(
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

pub(crate) struct Review {
    pub id: i64,
    pub project: i64,
    pub reviewer: i64,
    pub reviewee: i64,
    pub rating: i64,
    pub comment: Option<&'static str>,
    pub created: i64,
    pub hidden: Option<(i64, &'static str)>,
}

pub(super) fn reviews(
    seed: u64,
    clock: Clock,
    projects: &[Project],
    events: &mut Vec<Ev>,
) -> Vec<Review> {
    let mut rng = util::rng(seed, "reviews");
    let mut out = Vec::new();
    for p in projects {
        let (Some(done), Some(dev)) = (p.completed_at, p.dev) else {
            continue;
        };
        if p.status != ProjectStatus::Completed {
            continue;
        }
        for (reviewer, reviewee, share) in [(p.client, dev, 0.8), (dev, p.client, 0.55)] {
            if !rng.random_bool(share) {
                continue;
            }
            let at = after(&mut rng, done, HOUR, 10 * DAY, clock.anchor - MINUTE);
            if at <= done {
                continue;
            }
            let rating = [5, 4, 3, 2, 1][weighted(&mut rng, &[45, 35, 12, 5, 3])];
            let comments: Vec<&'static str> = WORDS
                .reviews
                .iter()
                .filter(|r| r.0 == rating)
                .map(|r| r.1)
                .collect();
            let comment =
                (rng.random_bool(0.7) && !comments.is_empty()).then(|| pick(&mut rng, &comments));
            let hidden = (rating <= 2 && comment.is_some() && rng.random_bool(0.3)).then(|| {
                (
                    after(&mut rng, at, HOUR, 3 * DAY, clock.anchor),
                    "Signalé par l'autre partie : propos injurieux",
                )
            });
            out.push(Review {
                id: 0,
                project: p.id,
                reviewer,
                reviewee,
                rating,
                comment,
                created: at,
                hidden,
            });
        }
    }
    out.sort_by_key(|r| r.created);
    for (k, r) in out.iter_mut().enumerate() {
        r.id = k as i64 + 1;
        let mut ev = Ev::new(r.created, r.reviewer, K::Created, St::Review, r.id);
        ev.a = r.project;
        events.push(ev);
        if let Some((at, _)) = r.hidden {
            events.push(Ev::new(at, OPS, K::Hidden, St::Review, r.id));
        }
    }
    out
}

pub(super) async fn write(
    w: &mut super::World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let dev_skills: std::collections::HashMap<i64, &[&'static str]> = w
        .users
        .iter()
        .filter_map(|u| Some((u.id, u.dev.as_ref()?.skills.as_slice())))
        .collect();
    // Its own stream: drawing the skills leaves every other generated value as it was.
    let mut rng = util::rng(w.seed, "project-skills");
    let mut table = sink.table(schema::PROJECTS, w.projects.len() as u64);
    for p in &w.projects {
        let skills = skills(&mut rng, p.dev.and_then(|d| dev_skills.get(&d).copied()));
        table
            .push(vec![
                i(p.id),
                i(p.client),
                oi(p.dev),
                s(p.title.as_str()),
                s(p.slug()),
                s(p.description.as_str()),
                i(p.budget),
                oi(p.agreed),
                s(p.currency.code()),
                s(p.status.as_str()),
                i(p.hours),
                od(p.starts_on),
                t(p.deadline),
                ot(p.assigned_at),
                ot(p.started_at),
                ot(p.delivered_at),
                ot(p.completed_at),
                ot(p.cancelled_at),
                i(p.lock_version),
                t(p.created),
                t(p.updated),
                ot(None),
                util::j(serde_json::json!(skills)),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::REVIEWS, w.reviews.len() as u64);
    for r in &w.reviews {
        table
            .push(vec![
                i(r.id),
                i(r.project),
                i(r.reviewer),
                i(r.reviewee),
                i(r.rating),
                os(r.comment),
                ot(r.hidden.map(|h| h.0)),
                oi(r.hidden.map(|_| OPS)),
                os(r.hidden.map(|h| h.1)),
                t(r.created),
                t(r.hidden.map_or(r.created, |h| h.0)),
            ])
            .await?;
    }
    report.push(table.finish().await?);
    workload(w, sink, report).await
}

/// One planned stretch of a project in a developer's weeks.
struct Stretch {
    project: usize,
    from: NaiveDate,
    to: NaiveDate,
    /// Hours per week until `busy_to`, then a few hours of fixes.
    hours: i64,
    busy_to: NaiveDate,
    since: i64,
}

/// developer x project x ISO week, planned within each developer's weekly capacity.
async fn workload(
    w: &mut super::World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    use ProjectStatus as P;
    let mut rng = util::rng(w.seed, "workload");
    let clock = w.clock;
    let a = clock.anchor;
    let this_week = clock.anchor_week();
    let horizon = this_week + Duration::weeks(8);
    let mut by_dev: Vec<Vec<Stretch>> = (0..=w.users.len()).map(|_| Vec::new()).collect();
    for (k, p) in w.projects.iter().enumerate() {
        let Some(dev) = p.dev else { continue };
        let weeks = |rng: &mut R| Duration::weeks(rng.random_range(2..=8));
        let (from, to, busy_to, since) = match (p.status, p.started_at, p.starts_on) {
            (P::InProgress | P::RevisionRequested, Some(st), _) => {
                let end = monday(p.deadline)
                    .max(this_week + weeks(&mut rng))
                    .min(horizon);
                (monday(st), end, end, st)
            }
            (P::Delivered, Some(st), _) => {
                let delivered = monday(p.delivered_at.unwrap_or(a));
                (
                    monday(st),
                    (this_week + Duration::weeks(rng.random_range(0..=2))).min(horizon),
                    delivered,
                    st,
                )
            }
            (P::Assigned, _, Some(start)) => {
                let end =
                    (start + Duration::weeks(((p.hours + 29) / 30).clamp(1, 12))).min(horizon);
                (start, end, end, p.assigned_at.unwrap_or(a))
            }
            (P::Completed | P::Disputed, Some(st), _) => {
                let end = monday(p.delivered_at.unwrap_or(a));
                (monday(st), end, end, st)
            }
            (P::Cancelled, Some(st), _) => {
                let end = monday(p.cancelled_at.unwrap_or(a));
                (monday(st), end, end, st)
            }
            _ => continue,
        };
        if to < from {
            continue;
        }
        let span = (busy_to - from).num_weeks().max(0) + 1;
        let hours = ((p.hours + span / 2) / span).clamp(4, 30);
        by_dev[dev as usize].push(Stretch {
            project: k,
            from,
            to,
            hours,
            busy_to,
            since,
        });
    }
    let total: usize = by_dev
        .iter()
        .flatten()
        .map(|s| ((s.to - s.from).num_weeks() + 1) as usize)
        .sum();
    let mut table = sink.table(schema::WORKLOAD, total as u64);
    let weekday = i64::from(util::date(a).weekday().num_days_from_monday()).min(4) + 1;
    let mut id = 0i64;
    let mut near_full_done = false;
    for (dev, stretches) in by_dev.iter().enumerate() {
        if stretches.is_empty() {
            continue;
        }
        let capacity = w.users[dev - 1].dev.as_ref().map_or(40, |d| d.capacity);
        let first = stretches.iter().map(|s| s.from).min().unwrap_or(this_week);
        let last = stretches.iter().map(|s| s.to).max().unwrap_or(this_week);
        // (week, stretch, planned)
        let mut rows: Vec<(NaiveDate, usize, i64)> = Vec::new();
        let mut week = first;
        while week <= last {
            let mut used = 0;
            let start = rows.len();
            for (k, s) in stretches.iter().enumerate() {
                if week < s.from || week > s.to {
                    continue;
                }
                let want = if week <= s.busy_to {
                    s.hours
                } else {
                    rng.random_range(2..=6)
                };
                let planned = want.min(capacity - used);
                if planned <= 0 {
                    continue;
                }
                used += planned;
                rows.push((week, k, planned));
            }
            // Someone close to full this week: the demo's 38/40.
            if week == this_week && !near_full_done && capacity == 40 && rows.len() - start >= 2 {
                let others: i64 = rows[start + 1..].iter().map(|r| r.2).sum();
                if others < 38 {
                    rows[start].2 = 38 - others;
                    near_full_done = true;
                }
            }
            week += Duration::weeks(1);
        }
        for (week, k, planned) in rows {
            let s = &stretches[k];
            let p = &mut w.projects[s.project];
            id += 1;
            let ws = util::day_secs(week);
            let created = (ws - 7 * DAY).max(s.since).min(a);
            let (logged, updated) = if week < this_week {
                let logged = (planned as f64 * rng.random_range(0.7..1.15)).round() as i64;
                (
                    logged.clamp(0, 168),
                    (ws + 5 * DAY + 17 * HOUR).min(a).max(created),
                )
            } else if week == this_week {
                let logged = (planned as f64 * weekday as f64 / 5.0 * rng.random_range(0.6..1.0))
                    .round() as i64;
                (logged.clamp(0, planned), a.max(created))
            } else {
                (0, created)
            };
            p.planned += planned;
            let mut lock = 0;
            if week >= this_week - Duration::weeks(1) && rng.random_bool(w.plan.workload_updates) {
                let at = between(&mut rng, created + HOUR, a - MINUTE, a - MINUTE);
                if at > created {
                    let old = (planned + pick(&mut rng, &[-8, -4, -2, 2, 4, 6])).clamp(1, 60);
                    if old != planned {
                        let mut ev = Ev::new(at, OPS, K::Updated, St::Workload, id);
                        (ev.a, ev.b, ev.c) = (s.project as i64 + 1, old, planned);
                        w.events.push(ev);
                        lock = 1;
                    }
                }
            }
            table
                .push(vec![
                    i(id),
                    i(dev as i64),
                    i(s.project as i64 + 1),
                    d(week),
                    i(planned),
                    i(logged),
                    i(lock),
                    t(created),
                    t(updated.max(created)),
                ])
                .await?;
        }
    }
    report.push(table.finish().await?);
    Ok(())
}
