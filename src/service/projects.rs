//! Project lifecycle: status changes through the project state machine, and assigning a
//! developer under the workload rules (weekly capacity, max active projects, availability).

use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde_json::{Value as JsonValue, json};

use crate::domain::{
    Availability, Currency, ProjectStatus, UseCase, parse_amount, require_text, slugify,
};
use crate::store::{self, Db, Tx, projects::ProjectRow};

use super::access;
use super::analytics::metric;
use super::bootstrap::keys;
use super::record::{Change, Diff, Notice, record_and_commit};
use super::{Actor, Origin, Result, ServiceError};

async fn load(tx: &mut Tx, id: i64) -> Result<ProjectRow> {
    store::projects::get(tx, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "project",
            key: id.to_string(),
        })
}

fn check_seen(row: &ProjectRow, seen_version: Option<i64>) -> Result<()> {
    super::ensure_version("project", row.lock_version, seen_version)
}

/// The Monday of the ISO week holding `d`.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// How an assignment spreads the project's estimated hours: evenly over the weeks from its
/// start to its deadline (at least one week), whole hours, remainder on the first weeks.
pub fn plan_weeks(project: &ProjectRow, today: NaiveDate) -> Vec<(NaiveDate, i64)> {
    let start = week_start(project.starts_on.unwrap_or(today).max(today));
    let end = project
        .deadline_at
        .map(|d| week_start(d.date_naive()))
        .unwrap_or(start)
        .max(start);
    let weeks = ((end - start).num_days() / 7 + 1).clamp(1, 52);
    let hours = project.estimated_hours.unwrap_or(0).max(0);
    (0..weeks)
        .map(|i| {
            let share = hours / weeks + i64::from(i < hours % weeks);
            (start + Duration::weeks(i), share)
        })
        .filter(|(_, h)| *h > 0)
        .collect()
}

/// Assigns a developer to an open project (permission `projects.assign`). Refused, with the
/// numbers, when the developer is the client, has no developer profile, is unavailable, is at
/// the maximum of active projects, or would exceed their weekly capacity in any week.
pub async fn assign_developer(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    project_id: i64,
    developer_id: i64,
    seen_version: Option<i64>,
) -> Result<()> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::ProjectAssign).await?;
    let actor = &actor;
    // Capacity checks below read then write: the developer's row is held until commit.
    store::workload::lock_developer(&mut tx, developer_id).await?;
    let project = load(&mut tx, project_id).await?;
    check_seen(&project, seen_version)?;
    let from = ProjectStatus::parse(&project.status)?;
    from.transition(ProjectStatus::Assigned)?;
    if developer_id == project.client_id {
        return Err(ServiceError::DeveloperIsClient);
    }
    let user = store::users::find(&mut tx, developer_id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "user",
            key: developer_id.to_string(),
        })?;
    let dev = store::workload::developer(&mut tx, developer_id)
        .await?
        .ok_or_else(|| ServiceError::NotADeveloper {
            name: user.name.clone(),
        })?;
    if dev.availability == Availability::Unavailable.as_str() {
        return Err(ServiceError::Unavailable {
            developer: dev.name,
            availability: dev.availability,
        });
    }
    if dev.active_projects >= dev.max_active_projects {
        return Err(ServiceError::TooManyProjects {
            developer: dev.name,
            active: dev.active_projects,
            max: dev.max_active_projects,
        });
    }
    let today = Utc::now().date_naive();
    let plan = plan_weeks(&project, today);
    if let (Some(first), Some(last)) = (plan.first(), plan.last()) {
        let booked = store::workload::planned(
            &mut tx,
            &[developer_id],
            first.0,
            last.0 + Duration::days(1),
        )
        .await?;
        for (week, adding) in &plan {
            let planned = booked
                .iter()
                .filter(|(_, w, _)| w == week)
                .map(|(_, _, h)| *h)
                .sum::<i64>();
            if planned + adding > dev.weekly_capacity_hours {
                return Err(ServiceError::OverCapacity {
                    developer: dev.name,
                    week: week.iso_week().week(),
                    planned,
                    adding: *adding,
                    capacity: dev.weekly_capacity_hours,
                });
            }
        }
    }
    let now = super::now();
    let values = vec![
        ("developer_id", developer_id.into()),
        ("status", ProjectStatus::Assigned.as_str().into()),
        ("assigned_at", now.into()),
    ];
    if !store::projects::cas_update(
        &mut tx,
        project_id,
        from.as_str(),
        project.lock_version,
        values,
        now,
    )
    .await?
    {
        return Err(ServiceError::Stale { what: "project" });
    }
    for (week, hours) in &plan {
        store::workload::add_planned(&mut tx, developer_id, project_id, *week, *hours, now).await?;
    }
    // A referral between the two now has a project between them: its flags say so.
    super::referral_flags::on_hire(&mut tx, actor, origin, project.client_id, developer_id).await?;
    let params =
        json!({"project_id": project_id, "project_title": project.title, "developer": dev.name});
    let notices = [developer_id, project.client_id]
        .into_iter()
        .map(|user_id| Notice {
            user_id,
            class: "App\\Notifications\\ProjectAssigned",
            kind: "project.assigned",
            params: params.clone(),
        })
        .collect();
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "assigned",
            subject_type: "project",
            subject_id: project_id,
            diff: Diff::new()
                .field("status", from.as_str(), "assigned")
                .field("developer_id", project.developer_id, developer_id)
                .field(
                    "planned_hours",
                    JsonValue::Null,
                    plan.iter().map(|(_, h)| h).sum::<i64>(),
                ),
            notices,
            webhook: Some("project.assigned"),
        },
    )
    .await?;
    Ok(())
}

/// Moves a project through its state machine (permission `projects.transition`), stamping the
/// matching timestamp. `assigned` goes through `assign_developer`; with escrow required,
/// starting work needs the escrow held.
pub async fn transition(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    to: ProjectStatus,
    reason: Option<&str>,
    seen_version: Option<i64>,
) -> Result<()> {
    if to == ProjectStatus::Assigned {
        return Err(ServiceError::Invalid {
            field: "status",
            message: crate::service::Said::new("assign_first"),
        });
    }
    let (mut tx, actor) = access::begin(db, actor, UseCase::ProjectStatus).await?;
    let actor = &actor;
    let row = load(&mut tx, id).await?;
    check_seen(&row, seen_version)?;
    let from = ProjectStatus::parse(&row.status)?;
    from.transition(to)?;
    // A status with no way back (cancelled, completed) says why, in the audit row.
    let reason = match to.next_states().is_empty() {
        true => Some(crate::domain::require_text(
            "reason",
            reason.unwrap_or_default(),
            super::commissions::REASON_MAX_BYTES,
        )?),
        false => None,
    };
    if from == ProjectStatus::Assigned && to == ProjectStatus::InProgress {
        let required = store::settings::get(&mut tx, keys::ESCROW, keys::ESCROW_REQUIRED)
            .await?
            .is_some_and(|s| s.payload == JsonValue::Bool(true));
        if required {
            return Err(ServiceError::Invalid {
                field: "escrow",
                message: crate::service::Said::new("escrow_not_held"),
            });
        }
    }
    let now = super::now();
    let mut values: Vec<(&'static str, sea_query::Value)> = vec![("status", to.as_str().into())];
    let stamp = match to {
        ProjectStatus::InProgress if row.started_at.is_none() => Some("started_at"),
        ProjectStatus::Delivered => Some("delivered_at"),
        ProjectStatus::Completed => Some("completed_at"),
        ProjectStatus::Cancelled => Some("cancelled_at"),
        _ => None,
    };
    let mut diff = Diff::new().field("status", from.as_str(), to.as_str());
    if let Some(reason) = &reason {
        diff = diff.field("reason", JsonValue::Null, reason.as_str());
    }
    if let Some(col) = stamp {
        values.push((col, now.into()));
        diff = diff.field(col, JsonValue::Null, now.to_rfc3339());
    }
    if !store::projects::cas_update(&mut tx, id, from.as_str(), row.lock_version, values, now)
        .await?
    {
        return Err(ServiceError::Stale { what: "project" });
    }
    super::analytics::bump_project_end(&mut tx, now, to).await?;
    let params = json!({"project_id": id, "project_title": row.title, "from": from.as_str(), "to": to.as_str()});
    let notices = std::iter::once(row.client_id)
        .chain(row.developer_id)
        .map(|user_id| Notice {
            user_id,
            class: "App\\Notifications\\ProjectStatusChanged",
            kind: "project.status_changed",
            params: params.clone(),
        })
        .collect();
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "status_changed",
            subject_type: "project",
            subject_id: id,
            diff,
            notices,
            webhook: Some("project.status_changed"),
        },
    )
    .await?;
    Ok(())
}

/// A new project in `draft` for a client (permission `projects.transition`). The slug comes
/// from the title unless given; a slug already in use is refused.
pub struct NewProject<'a> {
    pub client_id: i64,
    pub title: &'a str,
    pub slug: Option<&'a str>,
    pub description: &'a str,
    /// As typed: "450 000", "1 234,50".
    pub budget: &'a str,
    pub currency: &'a str,
    pub estimated_hours: Option<i64>,
}

pub async fn create(db: &Db, actor: &Actor, origin: &Origin, p: &NewProject<'_>) -> Result<i64> {
    let title = require_text("title", p.title, 200)?;
    let description = if p.description.trim().is_empty() {
        String::new()
    } else {
        require_text("description", p.description, 65_536)?
    };
    let currency = Currency::parse(p.currency)?;
    let budget = parse_amount(p.budget, currency)?;
    if p.estimated_hours.is_some_and(|h| h < 0) {
        return Err(ServiceError::Invalid {
            field: "estimated hours",
            message: crate::service::Said::new("not_negative"),
        });
    }
    let slug = match p.slug {
        Some(s) => slugify(s),
        None => slugify(&title),
    };
    if slug.is_empty() {
        return Err(ServiceError::Invalid {
            field: "slug",
            message: crate::service::Said::new("slug"),
        });
    }
    let (mut tx, actor) = access::begin(db, actor, UseCase::ProjectCreate).await?;
    let actor = &actor;
    if store::users::find(&mut tx, p.client_id).await?.is_none() {
        return Err(ServiceError::NotFound {
            what: "client",
            key: p.client_id.to_string(),
        });
    }
    let now = super::now();
    let id = store::projects::insert(
        &mut tx,
        &store::projects::NewProject {
            client_id: p.client_id,
            title: &title,
            slug: &slug,
            description: &description,
            budget_amount: budget,
            currency: currency.code(),
            estimated_hours: p.estimated_hours,
            deadline_at: None,
            now,
        },
    )
    .await
    .map_err(|e| match e.unique_violation() {
        Some(_) => ServiceError::Duplicate {
            field: "slug",
            value: slug.clone(),
        },
        None => e.into(),
    })?;
    super::analytics::bump(&mut tx, now, metric::PROJECTS_CREATED, "", 1).await?;
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "created",
            subject_type: "project",
            subject_id: id,
            diff: Diff::new()
                .field("title", JsonValue::Null, title.as_str())
                .field("slug", JsonValue::Null, slug.as_str())
                .field("budget_amount", JsonValue::Null, budget)
                .field("currency", JsonValue::Null, currency.code())
                .field("status", JsonValue::Null, "draft"),
            notices: Vec::new(),
            webhook: Some("project.created"),
        },
    )
    .await?;
    Ok(id)
}

/// Sets a developer's planned hours on a project for one week (permission `workload.edit`),
/// refusing, with the numbers, anything above the developer's weekly capacity.
pub async fn set_planned_hours(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    developer_id: i64,
    project_id: i64,
    week: NaiveDate,
    hours: i64,
) -> Result<()> {
    if !(0..=168).contains(&hours) {
        return Err(ServiceError::Invalid {
            field: "hours",
            message: crate::service::Said::new("hours_range"),
        });
    }
    let week = week_start(week);
    let (mut tx, actor) = access::begin(db, actor, UseCase::WorkloadPlan).await?;
    let actor = &actor;
    if week < week_start(super::now().date_naive()) {
        return Err(ServiceError::Invalid {
            field: "week",
            message: crate::service::Said::new("week_over"),
        });
    }
    let project =
        store::projects::get(&mut tx, project_id)
            .await?
            .ok_or(ServiceError::NotFound {
                what: "project",
                key: project_id.to_string(),
            })?;
    if !matches!(
        project.status.as_str(),
        "assigned" | "in_progress" | "revision_requested"
    ) {
        return Err(ServiceError::Invalid {
            field: "project",
            message: crate::service::Said::new("project_not_under_way").status(
                "status",
                "project",
                &project.status,
            ),
        });
    }
    if project.developer_id != Some(developer_id) {
        return Err(ServiceError::Invalid {
            field: "developer",
            message: crate::service::Said::new("not_assigned_developer"),
        });
    }
    store::workload::lock_developer(&mut tx, developer_id).await?;
    let dev = store::workload::developer(&mut tx, developer_id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "developer",
            key: developer_id.to_string(),
        })?;
    let lines =
        store::workload::lines(&mut tx, developer_id, week, week + Duration::days(7)).await?;
    let current = lines
        .iter()
        .find(|l| l.project_id == project_id)
        .map(|l| l.planned_hours)
        .unwrap_or(0);
    let others: i64 = lines
        .iter()
        .filter(|l| l.project_id != project_id)
        .map(|l| l.planned_hours)
        .sum();
    if others + hours > dev.weekly_capacity_hours {
        return Err(ServiceError::OverCapacity {
            developer: dev.name,
            week: week.iso_week().week(),
            planned: others + current,
            adding: hours - current,
            capacity: dev.weekly_capacity_hours,
        });
    }
    let now = super::now();
    store::workload::add_planned(
        &mut tx,
        developer_id,
        project_id,
        week,
        hours - current,
        now,
    )
    .await?;
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "updated",
            subject_type: "user",
            subject_id: developer_id,
            diff: Diff::new().field(
                &format!("planned_hours[project {project_id}, week {week}]"),
                current,
                hours,
            ),
            notices: Vec::new(),
            webhook: Some("workload.updated"),
        },
    )
    .await?;
    Ok(())
}
