//! `obryl project ...`, `obryl workload`, `obryl audit tail`: operations from a script, with
//! the same rules as the TUI.

use std::time::Duration;

use chrono::{Datelike, NaiveDate, Utc};
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::domain::{ProjectStatus, sanitize_line};
use crate::service::{self, Origin, projects::week_start};
use crate::store::audit::{AuditFilter, AuditRow};
use crate::store::projects::{Filter, ProjectRow, Sort};
use crate::store::{self, Anchor};

use super::{CliError, admin, output, session};

#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// List projects, newest first.
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Assign a developer (weekly capacity, max active projects and availability enforced).
    Assign {
        id: i64,
        #[arg(long, value_name = "EMAIL")]
        developer: String,
    },
    /// Move a project through its states.
    Status { id: i64, status: String },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The latest audit rows, newest last; --follow keeps printing new ones.
    Tail {
        #[arg(long, default_value_t = 20)]
        lines: u64,
        #[arg(long)]
        follow: bool,
        #[arg(long)]
        json: bool,
    },
}

fn project_json(p: &ProjectRow) -> serde_json::Value {
    json!({
        "id": p.id, "title": p.title, "slug": p.slug, "client": p.client_name, "developer": p.developer_name,
        "status": p.status, "budget_amount": p.budget_amount, "agreed_amount": p.agreed_amount, "currency": p.currency,
        "estimated_hours": p.estimated_hours, "deadline_at": p.deadline_at, "lock_version": p.lock_version,
    })
}

fn audit_json(a: &AuditRow) -> serde_json::Value {
    json!({
        "id": a.id, "user": a.user_name, "event": a.event, "auditable_type": a.auditable_type,
        "auditable_id": a.auditable_id, "old_values": a.old_values.as_ref().map(|j| &j.0),
        "new_values": a.new_values.as_ref().map(|j| &j.0), "created_at": a.created_at,
    })
}

fn print_audit(a: &AuditRow, json: bool) {
    if json {
        println!("{}", audit_json(a));
    } else {
        let when = a
            .created_at
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        let changes = a
            .new_values
            .as_ref()
            .map(|j| j.0.to_string())
            .unwrap_or_default();
        println!(
            "{:>8}  {when}  {:<22} {:<16} {}#{}  {}",
            a.id,
            sanitize_line(&a.user_name.clone().unwrap_or_else(|| "system".into())),
            a.event,
            a.auditable_type,
            a.auditable_id,
            sanitize_line(&changes)
        );
    }
}

pub async fn project(
    config: &Config,
    as_email: Option<&str>,
    cmd: ProjectCommand,
) -> Result<(), CliError> {
    let (db, url) = admin::open(config).await?;
    db.ensure_migrated().await?;
    let actor = session::actor(config, &db, &url, as_email).await?;
    let origin = Origin::cli();
    match cmd {
        ProjectCommand::List {
            status,
            limit,
            json,
        } => {
            let filter = Filter {
                statuses: status.into_iter().collect(),
                ..Filter::default()
            };
            let page = store::projects::page(
                &mut db.clone(),
                &filter,
                Sort::Newest,
                &Anchor::First,
                limit,
            )
            .await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &page.rows.iter().map(project_json).collect::<Vec<_>>()
                    )
                    .unwrap_or_default()
                );
            } else {
                let rows: Vec<Vec<String>> = page
                    .rows
                    .iter()
                    .map(|p| {
                        vec![
                            p.id.to_string(),
                            p.title.clone(),
                            p.client_name.clone(),
                            p.developer_name.clone().unwrap_or_else(|| "—".into()),
                            p.status.clone(),
                        ]
                    })
                    .collect();
                output::table(
                    &["ID", "TITLE", "CLIENT", "DEVELOPER", "STATUS"],
                    &rows,
                    &[0],
                );
            }
        }
        ProjectCommand::Show { id, json } => {
            let p = store::projects::get(&mut db.clone(), id)
                .await?
                .ok_or_else(|| CliError::refused(format!("no project {id}")))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&project_json(&p)).unwrap_or_default()
                );
            } else {
                for (k, v) in project_json(&p).as_object().into_iter().flatten() {
                    println!(
                        "{k:<16} {}",
                        sanitize_line(
                            &v.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| v.to_string())
                        )
                    );
                }
            }
        }
        ProjectCommand::Assign { id, developer } => {
            let dev = store::users::find_by_email(&mut db.clone(), &developer)
                .await?
                .ok_or_else(|| CliError::refused(format!("no user {developer}")))?;
            service::projects::assign_developer(&db, &actor, &origin, id, dev.id, None).await?;
            println!("Project {id} assigned to {}.", dev.name);
        }
        ProjectCommand::Status { id, status } => {
            let to = ProjectStatus::parse(&status).map_err(|e| CliError::refused(e.to_string()))?;
            service::projects::transition(&db, &actor, &origin, id, to, None).await?;
            println!("Project {id} is now {}.", to.as_str());
        }
    }
    Ok(())
}

pub async fn workload(
    config: &Config,
    week: Option<u32>,
    limit: u64,
    json: bool,
) -> Result<(), CliError> {
    let (db, _) = admin::open(config).await?;
    db.ensure_migrated().await?;
    let today = Utc::now().date_naive();
    let from = match week {
        Some(w) => NaiveDate::from_isoywd_opt(today.iso_week().year(), w, chrono::Weekday::Mon)
            .ok_or_else(|| CliError::refused(format!("no ISO week {w}")))?,
        None => week_start(today),
    };
    let weeks = 8;
    let mut c = db.clone();
    let devs = store::workload::developers(&mut c, None, &Anchor::First, limit).await?;
    let ids: Vec<i64> = devs.rows.iter().map(|d| d.id).collect();
    let planned =
        store::workload::planned(&mut c, &ids, from, from + chrono::Duration::weeks(weeks)).await?;
    let hours = |dev: i64, i: i64| -> i64 {
        let w = from + chrono::Duration::weeks(i);
        planned
            .iter()
            .filter(|(d, wk, _)| *d == dev && *wk == w)
            .map(|(_, _, h)| *h)
            .sum()
    };
    if json {
        let rows: Vec<_> = devs
            .rows
            .iter()
            .map(|d| {
                json!({
                    "developer_id": d.id, "name": d.name, "availability": d.availability,
                    "capacity": d.weekly_capacity_hours, "active_projects": d.active_projects, "max_active_projects": d.max_active_projects,
                    "weeks": (0..weeks).map(|i| json!({"week_start": from + chrono::Duration::weeks(i), "planned_hours": hours(d.id, i)})).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
        return Ok(());
    }
    let mut header = vec!["DEVELOPER".to_string(), "ACTIVE".to_string()];
    header.extend((0..weeks).map(|i| {
        format!(
            "W{:02}",
            (from + chrono::Duration::weeks(i)).iso_week().week()
        )
    }));
    let rows: Vec<Vec<String>> = devs
        .rows
        .iter()
        .map(|d| {
            let mut r = vec![
                d.name.clone(),
                format!("{}/{}", d.active_projects, d.max_active_projects),
            ];
            r.extend((0..weeks).map(|i| format!("{}/{}", hours(d.id, i), d.weekly_capacity_hours)));
            r
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    output::table(&header, &rows, &(1..header.len()).collect::<Vec<_>>());
    Ok(())
}

pub async fn audit(config: &Config, cmd: AuditCommand) -> Result<(), CliError> {
    let (db, _) = admin::open(config).await?;
    db.ensure_migrated().await?;
    let AuditCommand::Tail {
        lines,
        follow,
        json,
    } = cmd;
    let mut c = db.clone();
    let mut rows = store::audit::page(&mut c, &AuditFilter::default(), &Anchor::First, lines)
        .await?
        .rows;
    rows.reverse();
    let mut last = rows.last().map(|r| r.id).unwrap_or(0);
    for r in &rows {
        print_audit(r, json);
    }
    while follow {
        tokio::time::sleep(Duration::from_millis(config.live.poll_ms.max(100))).await;
        for r in store::audit::since(&mut c, last, 500).await? {
            last = last.max(r.id);
            print_audit(&r, json);
        }
    }
    Ok(())
}
