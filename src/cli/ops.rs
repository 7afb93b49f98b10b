//! `obryl project ...`, `obryl workload`, `obryl audit tail`: operations from a script, with
//! the same rules as the TUI.

use std::time::Duration;

use chrono::{Datelike, NaiveDate, Utc};
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::domain::{Locale, ProjectStatus, UseCase, sanitize_line};
use crate::office::format::{absolute, money, status as status_word};
use crate::office::{
    self,
    workload::{WEEKS, WorkloadRow},
};
use crate::service::{self, Origin, ServiceError, projects::week_start};
use crate::store::audit::{AuditFilter, AuditRow};
use crate::store::projects::{Filter, ProjectRow, Sort};
use crate::store::{self, Anchor};
use crate::tr;

use super::args::one_of;
use super::output::or_dash;
use super::{CliError, OrCli, output, session};

#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// List projects, newest first.
    List {
        #[arg(long, value_parser = one_of::<ProjectStatus>())]
        status: Option<ProjectStatus>,
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
        /// Print the project as it now is, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Move a project through its states.
    Status {
        id: i64,
        #[arg(value_parser = one_of::<ProjectStatus>())]
        status: ProjectStatus,
        /// Why (needed for a status with no way back: cancelled, completed).
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
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
    let t = output::time;
    json!({
        "id": p.id, "title": p.title, "slug": p.slug,
        "client_id": p.client_id, "client": p.client_name,
        "developer_id": p.developer_id, "developer": p.developer_name,
        "status": p.status, "budget_amount": p.budget_amount, "agreed_amount": p.agreed_amount,
        "currency": p.currency, "estimated_hours": p.estimated_hours,
        "starts_on": p.starts_on, "deadline_at": t(p.deadline_at),
        "assigned_at": t(p.assigned_at), "started_at": t(p.started_at),
        "delivered_at": t(p.delivered_at), "completed_at": t(p.completed_at),
        "lock_version": p.lock_version, "created_at": t(p.created_at),
        "updated_at": t(p.updated_at),
    })
}

fn audit_json(a: &AuditRow) -> serde_json::Value {
    json!({
        "id": a.id, "user_id": a.user_id, "user": a.user_name, "event": a.event,
        "auditable_type": a.auditable_type, "auditable_id": a.auditable_id,
        "old_values": a.old_values.as_ref().map(output::uniform_times),
        "new_values": a.new_values.as_ref().map(output::uniform_times),
        "url": a.url, "ip_address": a.ip_address, "user_agent": a.user_agent, "tags": a.tags,
        "created_at": output::time(a.created_at),
    })
}

async fn get_project(db: &store::Db, id: i64, locale: Locale) -> Result<ProjectRow, CliError> {
    store::projects::get(&mut db.clone(), id)
        .await
        .or_cli(locale)?
        .ok_or_else(|| {
            let e = ServiceError::NotFound {
                what: "project",
                key: id.to_string(),
            };
            CliError::from_service(e, locale)
        })
}

/// One project for a person: labels in their language, amounts in the currency's format.
fn show_project(p: &ProjectRow, locale: Locale) {
    let l = |key: &str| tr(locale, key, &[]);
    let fields = vec![
        (l("cli.label.id"), p.id.to_string()),
        (l("cli.label.title"), p.title.clone()),
        (l("cli.label.slug"), p.slug.clone()),
        (l("cli.label.client"), p.client_name.clone()),
        (l("cli.label.developer"), or_dash(p.developer_name.clone())),
        (
            l("cli.label.status"),
            status_word("project", &p.status, locale),
        ),
        (
            l("cli.label.budget"),
            money(p.budget_amount, &p.currency, locale),
        ),
        (
            l("cli.label.agreed"),
            or_dash(p.agreed_amount.map(|a| money(a, &p.currency, locale))),
        ),
        (
            l("cli.label.estimated_hours"),
            or_dash(p.estimated_hours.map(|h| format!("{h} h"))),
        ),
        (l("cli.label.deadline"), absolute(p.deadline_at, locale)),
        (l("cli.label.version"), p.lock_version.to_string()),
    ];
    output::record(&fields);
}

/// One audit row as a person reads it: when, who, what happened to which record, and the
/// changed fields in words (`--json` keeps the codes and the values as stored).
fn print_audit(a: &AuditRow, locale: Locale) {
    let when = absolute(a.created_at, locale);
    let subject = format!(
        "{} #{}",
        crate::office::format::status("subject", &a.auditable_type, locale),
        a.auditable_id
    );
    let changes = crate::office::history::summary(a, locale, None);
    println!(
        "{:>8}  {when}  {:<22} {:<16} {}  {}",
        a.id,
        sanitize_line(
            &a.user_name
                .clone()
                .unwrap_or_else(|| tr(locale, "audit.system", &[]))
        ),
        sanitize_line(&crate::office::format::status("event", &a.event, locale)),
        sanitize_line(&subject),
        sanitize_line(&changes)
    );
}

fn no_user(email: &str, locale: Locale) -> CliError {
    let e = ServiceError::NotFound {
        what: "user",
        key: email.to_owned(),
    };
    CliError::from_service(e, locale)
}

pub async fn project(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: ProjectCommand,
) -> Result<(), CliError> {
    let (db, actor) = session::open_as(config, locale, as_email).await?;
    let origin = Origin::cli();
    match cmd {
        ProjectCommand::List {
            status,
            limit,
            json,
        } => {
            let filter = Filter {
                statuses: status.map(|s| s.as_str().to_owned()).into_iter().collect(),
                ..Filter::default()
            };
            let page = store::projects::page(
                &mut db.clone(),
                &filter,
                Sort::Newest,
                &Anchor::First,
                limit,
            )
            .await
            .or_cli(locale)?;
            if json {
                output::print_list(page.rows.iter().map(project_json).collect());
            } else {
                let rows: Vec<Vec<String>> = page
                    .rows
                    .iter()
                    .map(|p| {
                        vec![
                            p.id.to_string(),
                            p.title.clone(),
                            p.client_name.clone(),
                            or_dash(p.developer_name.clone()),
                            status_word("project", &p.status, locale),
                        ]
                    })
                    .collect();
                let header = [
                    tr(locale, "cli.col.id", &[]),
                    tr(locale, "cli.col.title", &[]),
                    tr(locale, "cli.col.client", &[]),
                    tr(locale, "cli.col.developer", &[]),
                    tr(locale, "cli.col.status", &[]),
                ];
                output::table(
                    &header.iter().map(String::as_str).collect::<Vec<_>>(),
                    &rows,
                    &[0],
                );
                if page.has_after {
                    println!("{}", tr(locale, "cli.more", &[]));
                }
            }
        }
        ProjectCommand::Show { id, json } => {
            let p = get_project(&db, id, locale).await?;
            if json {
                output::print_json(&project_json(&p));
            } else {
                show_project(&p, locale);
            }
        }
        ProjectCommand::Assign {
            id,
            developer,
            json,
        } => {
            let dev = store::users::find_by_email(&mut db.clone(), &developer)
                .await
                .or_cli(locale)?
                .ok_or_else(|| no_user(&developer, locale))?;
            service::projects::assign_developer(&db, &actor, &origin, id, dev.id, None)
                .await
                .or_cli(locale)?;
            if json {
                output::print_json(&project_json(&get_project(&db, id, locale).await?));
                return Ok(());
            }
            output::say(&tr(
                locale,
                "cli.project.assigned",
                &[("id", &id.to_string()), ("name", &output::quote(&dev.name))],
            ));
        }
        ProjectCommand::Status {
            id,
            status: to,
            reason,
            json,
        } => {
            service::projects::transition(&db, &actor, &origin, id, to, reason.as_deref(), None)
                .await
                .or_cli(locale)?;
            if json {
                output::print_json(&project_json(&get_project(&db, id, locale).await?));
                return Ok(());
            }
            output::say(&tr(
                locale,
                "cli.project.moved",
                &[
                    ("id", &id.to_string()),
                    ("status", &status_word("project", to.as_str(), locale)),
                ],
            ));
        }
    }
    Ok(())
}

pub async fn workload(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    week: Option<u32>,
    limit: u64,
    json: bool,
) -> Result<(), CliError> {
    let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
    let today = Utc::now().date_naive();
    let from = match week {
        Some(w) => NaiveDate::from_isoywd_opt(today.iso_week().year(), w, chrono::Weekday::Mon)
            .ok_or_else(|| {
                CliError::failed(tr(
                    locale,
                    "cli.workload.no_week",
                    &[("week", &w.to_string())],
                ))
            })?,
        None => week_start(today),
    };
    // The TUI's Workload tab reads the same grid, in the same (default) order.
    let grid = office::workload::grid(
        &mut db.clone(),
        None,
        store::workload::Sort::default(),
        from,
        &Anchor::First,
        limit,
    )
    .await
    .or_cli(locale)?;
    if json {
        let rows: Vec<_> = grid
            .rows
            .iter()
            .map(|r| {
                let d = &r.dev;
                let weeks: Vec<_> = r
                    .weeks
                    .iter()
                    .enumerate()
                    .map(|(i, h)| {
                        json!({"week_start": WorkloadRow::week_start(from, i), "planned_hours": h})
                    })
                    .collect();
                json!({
                    "developer_id": d.id, "name": d.name, "availability": d.availability,
                    "capacity": d.weekly_capacity_hours, "active_projects": d.active_projects,
                    "max_active_projects": d.max_active_projects, "weeks": weeks,
                })
            })
            .collect();
        output::print_list(rows);
        return Ok(());
    }
    let mut header = vec![
        tr(locale, "cli.col.developer", &[]),
        tr(locale, "cli.col.active", &[]),
    ];
    header.extend((0..WEEKS).map(|i| {
        let week = format!("{:02}", WorkloadRow::week_start(from, i).iso_week().week());
        tr(locale, "cli.col.week", &[("week", &week)])
    }));
    let rows: Vec<Vec<String>> = grid
        .rows
        .iter()
        .map(|r| {
            let d = &r.dev;
            let mut line = vec![
                d.name.clone(),
                format!("{}/{}", d.active_projects, d.max_active_projects),
            ];
            line.extend(
                r.weeks
                    .iter()
                    .map(|h| format!("{h}/{}", d.weekly_capacity_hours)),
            );
            line
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    output::table(&header, &rows, &(1..header.len()).collect::<Vec<_>>());
    Ok(())
}

pub async fn audit(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: AuditCommand,
) -> Result<(), CliError> {
    let (db, _) = session::open_for(config, locale, as_email, UseCase::AuditRead).await?;
    let AuditCommand::Tail {
        lines,
        follow,
        json,
    } = cmd;
    let mut c = db.clone();
    let mut rows = store::audit::page(&mut c, &AuditFilter::default(), &Anchor::First, lines)
        .await
        .or_cli(locale)?
        .rows;
    rows.reverse();
    let mut last = rows.last().map(|r| r.id).unwrap_or(0);
    match (json, follow) {
        // A list is one array; only a stream (`--follow`) is one object per line.
        (true, false) => output::print_list(rows.iter().map(audit_json).collect()),
        (true, true) => rows
            .iter()
            .for_each(|r| output::print_json_line(&audit_json(r))),
        (false, _) => rows.iter().for_each(|r| print_audit(r, locale)),
    }
    if !follow {
        return Ok(());
    }
    loop {
        tokio::time::sleep(Duration::from_millis(config.live.poll_ms.max(100))).await;
        for r in store::audit::since(&mut c, last, 500)
            .await
            .or_cli(locale)?
        {
            last = last.max(r.id);
            if json {
                output::print_json_line(&audit_json(&r));
            } else {
                print_audit(&r, locale);
            }
        }
    }
}
