//! Projects (their whole life: draft to completed or cancelled), reviews and the workload grid.

mod lifecycle;
mod reviews;
mod workload;

use chrono::NaiveDate;

use crate::domain::{Currency, ProjectStatus, slugify};
use crate::seed::OPS;
use crate::seed::util::{self, Sink, i, od, oi, os, ot, s, t};
use crate::store::{StoreError, schema};

pub(super) use lifecycle::build;
pub(super) use reviews::{Review, reviews};

use lifecycle::skills;
use workload::workload;

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

pub(super) async fn write(
    w: &mut crate::seed::World,
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
