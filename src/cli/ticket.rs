//! `obryl ticket ...`: the support queue from a script, with the same rules as the TUI.

use chrono::Utc;
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::domain::{TicketStatus, sanitize};
use crate::service::{self, Origin};
use crate::store::tickets::{Filter, Sort, TicketRow};
use crate::store::{self, Anchor};

use super::{CliError, admin, output, session};

#[derive(Debug, Subcommand)]
pub enum TicketCommand {
    /// List open tickets, soonest SLA deadline first.
    List {
        /// Only tickets assigned to me.
        #[arg(long)]
        mine: bool,
        #[arg(long)]
        unassigned: bool,
        /// Only tickets past their resolution deadline.
        #[arg(long)]
        breached: bool,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Show one ticket with its conversation (internal notes marked).
    Show {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Assign a ticket to a support agent.
    Assign {
        reference: String,
        #[arg(long, value_name = "EMAIL")]
        to: String,
    },
    /// Reply to the requester, or add an internal note with --internal.
    Reply {
        reference: String,
        #[arg(long)]
        body: String,
        #[arg(long)]
        internal: bool,
    },
    /// Move a ticket through its states (new, open, pending, on_hold, solved, closed).
    Status {
        reference: String,
        status: String,
        /// The resolution, when solving.
        #[arg(long)]
        resolution: Option<String>,
    },
}

fn as_json(t: &TicketRow) -> serde_json::Value {
    json!({
        "id": t.id, "reference": t.reference, "subject": t.subject, "requester": t.requester_name,
        "assignee": t.assignee_name, "priority": t.priority, "status": t.status, "category": t.category,
        "first_response_due_at": t.first_response_due_at, "first_responded_at": t.first_responded_at,
        "resolution_due_at": t.resolution_due_at, "paused_seconds": t.paused_seconds,
        "paused_since": t.paused_since, "project_id": t.project_id, "created_at": t.created_at,
    })
}

async fn find(db: &crate::store::Db, reference: &str) -> Result<TicketRow, CliError> {
    store::tickets::get_by_reference(&mut db.clone(), reference)
        .await?
        .ok_or_else(|| CliError::refused(format!("no ticket {reference}")))
}

pub async fn run(
    config: &Config,
    as_email: Option<&str>,
    cmd: TicketCommand,
) -> Result<(), CliError> {
    let (db, url) = admin::open(config).await?;
    db.ensure_migrated().await?;
    let actor = session::actor(config, &db, &url, as_email).await?;
    let origin = Origin::cli();
    match cmd {
        TicketCommand::List {
            mine,
            unassigned,
            breached,
            limit,
            json,
        } => {
            let filter = Filter {
                statuses: ["new", "open", "pending", "on_hold"]
                    .map(String::from)
                    .to_vec(),
                assignee_id: mine.then_some(actor.id),
                unassigned,
                breached_at: breached.then(Utc::now),
                ..Filter::default()
            };
            let page =
                store::tickets::page(&mut db.clone(), &filter, Sort::Due, &Anchor::First, limit)
                    .await?;
            if json {
                let rows: Vec<_> = page.rows.iter().map(as_json).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).unwrap_or_default()
                );
            } else {
                let rows: Vec<Vec<String>> = page
                    .rows
                    .iter()
                    .map(|t| {
                        vec![
                            t.reference.clone(),
                            t.subject.clone(),
                            t.requester_name.clone(),
                            t.assignee_name.clone().unwrap_or_else(|| "—".into()),
                            t.priority.clone(),
                            t.status.clone(),
                            t.resolution_due_at
                                .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                                .unwrap_or_default(),
                        ]
                    })
                    .collect();
                output::table(
                    &[
                        "REFERENCE",
                        "SUBJECT",
                        "REQUESTER",
                        "ASSIGNEE",
                        "PRIORITY",
                        "STATUS",
                        "DUE (UTC)",
                    ],
                    &rows,
                    &[],
                );
            }
        }
        TicketCommand::Show { reference, json } => {
            let t = find(&db, &reference).await?;
            let mut c = db.clone();
            let body = store::tickets::body(&mut c, t.id)
                .await?
                .unwrap_or_default();
            let messages =
                match store::messages::conversation_of(&mut c, "support_ticket", t.id).await? {
                    Some(conv) => store::messages::latest(&mut c, conv, 500, true).await?,
                    None => Vec::new(),
                };
            if json {
                let mut v = as_json(&t);
                v["body"] = body.into();
                v["messages"] = messages
                    .iter()
                    .map(|m| json!({"id": m.id, "sender": m.sender_name, "body": m.body, "internal": m.is_internal, "created_at": m.created_at}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                for (k, v) in as_json(&t).as_object().into_iter().flatten() {
                    let v = match v {
                        serde_json::Value::String(s) => sanitize(s),
                        serde_json::Value::Null => "—".into(),
                        other => other.to_string(),
                    };
                    println!("{k:<22} {v}");
                }
                println!("\n{}\n", sanitize(&body));
                for m in messages {
                    let mark = if m.is_internal {
                        " [internal note]"
                    } else {
                        ""
                    };
                    let when = m
                        .created_at
                        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default();
                    println!(
                        "— {} · {}{mark}\n{}\n",
                        sanitize(&m.sender_name.unwrap_or_default()),
                        when,
                        sanitize(&m.body)
                    );
                }
            }
        }
        TicketCommand::Assign { reference, to } => {
            let t = find(&db, &reference).await?;
            let agent = store::users::find_by_email(&mut db.clone(), &to)
                .await?
                .ok_or_else(|| CliError::refused(format!("no user {to}")))?;
            service::tickets::assign(&db, &actor, &origin, t.id, agent.id, None).await?;
            println!("{} assigned to {}.", t.reference, agent.name);
        }
        TicketCommand::Reply {
            reference,
            body,
            internal,
        } => {
            let t = find(&db, &reference).await?;
            service::tickets::reply(&db, &actor, &origin, t.id, &body, internal).await?;
            println!(
                "{} {}.",
                if internal {
                    "Internal note added to"
                } else {
                    "Reply sent on"
                },
                t.reference
            );
        }
        TicketCommand::Status {
            reference,
            status,
            resolution,
        } => {
            let t = find(&db, &reference).await?;
            let to = TicketStatus::parse(&status).map_err(|e| CliError::refused(e.to_string()))?;
            service::tickets::transition(
                &db,
                &actor,
                &origin,
                t.id,
                to,
                resolution.as_deref(),
                None,
            )
            .await?;
            println!("{} is now {}.", t.reference, to.as_str());
        }
    }
    Ok(())
}
