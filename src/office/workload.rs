//! The workload grid: developers × the coming weeks, planned hours against capacity. The TUI's
//! Workload tab and `obryl workload` read it from here, so both give the same figures.

use chrono::{Duration, NaiveDate};

use crate::store::workload::{DeveloperRow, Sort};
use crate::store::{self, Anchor, Conn, Page, Result};

/// Weeks the grid shows.
pub const WEEKS: usize = 8;

/// One developer's line: their profile and the hours planned in each shown week.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadRow {
    pub dev: DeveloperRow,
    pub weeks: Vec<i64>,
}

impl WorkloadRow {
    /// The Monday of the `i`-th shown week.
    pub fn week_start(from: NaiveDate, i: usize) -> NaiveDate {
        from + Duration::weeks(i as i64)
    }
}

/// A page of the grid from the week starting `from`, in `sort` order, `text` matching names.
pub async fn grid(
    c: &mut impl Conn,
    text: Option<&str>,
    sort: Sort,
    from: NaiveDate,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<WorkloadRow>> {
    let devs = store::workload::developers_sorted(c, text, sort, from, anchor, limit).await?;
    let ids: Vec<i64> = devs.rows.iter().map(|d| d.id).collect();
    let to = WorkloadRow::week_start(from, WEEKS);
    let planned = store::workload::planned(c, &ids, from, to).await?;
    Ok(devs.map(|dev| {
        let weeks = (0..WEEKS)
            .map(|i| {
                let week = WorkloadRow::week_start(from, i);
                planned
                    .iter()
                    .filter(|(d, w, _)| *d == dev.id && *w == week)
                    .map(|(_, _, h)| *h)
                    .sum()
            })
            .collect();
        WorkloadRow { dev, weeks }
    }))
}

/// The developers who could take `project`, ranked by free capacity over the weeks its plan
/// covers from `today`, with the hours the plan needs.
pub async fn candidates(
    c: &mut impl Conn,
    project: &crate::store::projects::ProjectRow,
    today: NaiveDate,
    limit: u64,
) -> Result<(Vec<store::workload::Candidate>, i64)> {
    use crate::service::projects::{plan_weeks, week_start};
    let plan = plan_weeks(project, today);
    let (from, weeks) = match (plan.first(), plan.last()) {
        (Some(first), Some(last)) => (first.0, (last.0 - first.0).num_weeks() + 1),
        _ => (week_start(today), 1),
    };
    let to = from + Duration::weeks(weeks);
    let hours = plan.iter().map(|(_, h)| h).sum();
    let mut list =
        store::workload::candidates(c, project.client_id, from, to, weeks, limit).await?;
    // Who holds more of the skills the work needs first; at equal fit, the most free first
    // (the order the store gave).
    list.sort_by_key(|d| std::cmp::Reverse(matching_skills(&project.skills, &d.skills).len()));
    Ok((list, hours))
}

/// The project's skills the developer holds, in the project's order (names compared without
/// regard to case or surrounding spaces).
pub fn matching_skills<'a>(needed: &'a [String], held: &[String]) -> Vec<&'a str> {
    needed
        .iter()
        .filter(|n| held.iter().any(|h| h.trim().eq_ignore_ascii_case(n.trim())))
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::matching_skills;

    #[test]
    fn skills_match_whatever_their_case() {
        let needed = vec!["Laravel".to_string(), "Vue.js".into(), "Stripe".into()];
        let held = vec!["vue.js ".to_string(), "Laravel".into(), "Go".into()];
        assert_eq!(matching_skills(&needed, &held), vec!["Laravel", "Vue.js"]);
        assert!(matching_skills(&needed, &[]).is_empty());
    }
}
