//! The workload grid: developer x project x ISO week, planned within each developer's weekly
//! capacity, with the hours logged so far and ops' audited edits.

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;

use crate::domain::ProjectStatus;
use crate::seed::OPS;
use crate::seed::history::{Ev, K, St};
use crate::seed::util::{self, DAY, HOUR, MINUTE, R, Sink, between, d, i, monday, pick, t};
use crate::store::{StoreError, schema};

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
pub(super) async fn workload(
    w: &mut crate::seed::World,
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
