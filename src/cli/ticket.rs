//! `obryl ticket ...`: the support queue from a script, with the same rules as the TUI.

use chrono::Utc;
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::domain::{Locale, TicketStatus, sanitize, sanitize_line};
use crate::office::details::TicketDetail;
use crate::office::format::{absolute, span, status as status_word};
use crate::service::{self, Origin, ServiceError};
use crate::store::tickets::{Filter, Sort, TicketRow};
use crate::store::{self, Anchor};
use crate::tr;

use super::args::{TicketRef, one_of};
use super::output::or_dash;
use super::{CliError, OrCli, output, session};

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
        /// The reference lists print (TCK-2026-000033) or the ticket's number (33).
        #[arg(value_name = "REF")]
        reference: TicketRef,
        #[arg(long)]
        json: bool,
    },
    /// Assign a ticket to a support agent.
    Assign {
        #[arg(value_name = "REF")]
        reference: TicketRef,
        #[arg(long, value_name = "EMAIL")]
        to: String,
        /// Print the ticket as it now is, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reply to the requester, or add an internal note with --internal.
    Reply {
        #[arg(value_name = "REF")]
        reference: TicketRef,
        #[arg(long)]
        body: String,
        #[arg(long)]
        internal: bool,
        #[arg(long)]
        json: bool,
    },
    /// Open a follow-up of a closed ticket (closed tickets take no reply): a new ticket for the
    /// same requester, linked to it, assigned to you, whose first reply is --body.
    FollowUp {
        #[arg(value_name = "REF")]
        reference: TicketRef,
        #[arg(long)]
        body: String,
        #[arg(long)]
        json: bool,
    },
    /// Move a ticket through its states.
    Status {
        #[arg(value_name = "REF")]
        reference: TicketRef,
        #[arg(value_parser = one_of::<TicketStatus>())]
        status: TicketStatus,
        /// The resolution, when solving.
        #[arg(long)]
        resolution: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// One ticket as `--json` writes it, in lists and details alike.
fn as_json(t: &TicketRow) -> serde_json::Value {
    let at = output::time;
    json!({
        "id": t.id, "reference": t.reference, "subject": t.subject,
        "requester_id": t.requester_id, "requester": t.requester_name,
        "assignee_id": t.assignee_id, "assignee": t.assignee_name,
        "priority": t.priority, "status": t.status, "category": t.category,
        "first_response_due_at": at(t.first_response_due_at),
        "first_responded_at": at(t.first_responded_at),
        "resolution_due_at": at(t.resolution_due_at), "resolved_at": at(t.resolved_at),
        "paused_seconds": t.paused_seconds, "paused_since": at(t.paused_since),
        "last_activity_at": at(t.last_activity_at), "project_id": t.project_id,
        "lock_version": t.lock_version, "created_at": at(t.created_at),
    })
}

/// The resolution of a solved or closed ticket, as its history recorded it.
fn resolution(d: &TicketDetail) -> Option<String> {
    if !matches!(d.row.status.as_str(), "solved" | "closed") {
        return None;
    }
    d.history.iter().find_map(|a| {
        a.new_values
            .as_ref()?
            .get("resolution")?
            .as_str()
            .map(str::to_owned)
    })
}

/// A ticket's detail as JSON: the record, its resolution, body and conversation (oldest first).
fn detail_json(d: &TicketDetail) -> serde_json::Value {
    let mut v = as_json(&d.row);
    v["resolution"] = resolution(d).into();
    v["body"] = d.body.clone().into();
    v["follows"] = d.follows.as_ref().map(|(_, r)| r.clone()).into();
    v["follow_ups"] = d.follow_ups.iter().map(|(_, r)| r.clone()).collect();
    v["messages"] = d
        .messages
        .iter()
        .map(|m| {
            json!({
                "id": m.id, "sender_id": m.sender_id, "sender": m.sender_name, "body": m.body,
                "internal": m.is_internal, "created_at": output::time(m.created_at),
            })
        })
        .collect();
    v
}

/// A deadline in the language's date order, UTC like the column says.
fn due(at: chrono::DateTime<Utc>, locale: Locale) -> String {
    match locale {
        Locale::Fr => at.format("%d/%m/%Y %H:%M").to_string(),
        Locale::En => at.format("%Y-%m-%d %H:%M").to_string(),
    }
}

async fn find(
    db: &crate::store::Db,
    which: &TicketRef,
    locale: Locale,
) -> Result<TicketRow, CliError> {
    let mut c = db.clone();
    match which {
        TicketRef::Number(id) => store::tickets::get(&mut c, *id).await,
        TicketRef::Reference(r) => store::tickets::get_by_reference(&mut c, r).await,
    }
    .or_cli(locale)?
    .ok_or_else(|| {
        let e = ServiceError::NotFound {
            what: "ticket",
            key: which.text(),
        };
        CliError::from_service(e, locale)
    })
}

/// The ticket's whole detail, as the TUI assembles it.
async fn detail(db: &crate::store::Db, id: i64, locale: Locale) -> Result<TicketDetail, CliError> {
    crate::office::details::ticket(&mut db.clone(), id, 500)
        .await
        .or_cli(locale)
}

/// One ticket for a person: labels in their language, states as words, times in full.
fn show(d: &TicketDetail, locale: Locale) {
    let t = &d.row;
    let l = |key: &str| tr(locale, key, &[]);
    let when = |at| absolute(at, locale);
    let fields = vec![
        (l("cli.label.reference"), t.reference.clone()),
        (l("cli_contract.label_number"), t.id.to_string()),
        (l("cli.label.subject"), t.subject.clone()),
        (l("cli.label.requester"), t.requester_name.clone()),
        (l("cli.label.assignee"), or_dash(t.assignee_name.clone())),
        (
            l("cli.label.priority"),
            status_word("priority", &t.priority, locale),
        ),
        (
            l("cli.label.status"),
            status_word("ticket", &t.status, locale),
        ),
        (
            l("cli.label.category"),
            status_word("category", &t.category, locale),
        ),
        (
            l("cli.label.first_response_due"),
            when(t.first_response_due_at),
        ),
        (l("cli.label.first_responded"), when(t.first_responded_at)),
        (l("cli.label.resolution_due"), when(t.resolution_due_at)),
        (l("cli_contract.label_resolved"), when(t.resolved_at)),
        (l("cli_contract.label_resolution"), or_dash(resolution(d))),
        (l("cli.label.paused"), span(t.paused_seconds, locale)),
        (l("cli.label.paused_since"), when(t.paused_since)),
        (
            l("cli.label.project"),
            or_dash(t.project_id.map(|id| format!("#{id}"))),
        ),
        (l("cli.label.created"), when(t.created_at)),
        (
            l("detail.follows"),
            or_dash(d.follows.as_ref().map(|(_, r)| r.clone())),
        ),
    ];
    let mut fields = fields;
    if !d.follow_ups.is_empty() {
        let refs: Vec<&str> = d.follow_ups.iter().map(|(_, r)| r.as_str()).collect();
        fields.push((l("detail.follow_ups"), refs.join(", ")));
    }
    output::record(&fields);
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: TicketCommand,
) -> Result<(), CliError> {
    let (db, actor) = session::open_as(config, locale, as_email).await?;
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
                    .await
                    .or_cli(locale)?;
            if json {
                output::print_list(page.rows.iter().map(as_json).collect());
            } else {
                let rows: Vec<Vec<String>> = page
                    .rows
                    .iter()
                    .map(|t| {
                        vec![
                            t.reference.clone(),
                            t.subject.clone(),
                            t.requester_name.clone(),
                            or_dash(t.assignee_name.clone()),
                            status_word("priority", &t.priority, locale),
                            status_word("ticket", &t.status, locale),
                            t.resolution_due_at
                                .map(|d| due(d, locale))
                                .unwrap_or_default(),
                        ]
                    })
                    .collect();
                let header = [
                    tr(locale, "cli.col.reference", &[]),
                    tr(locale, "cli.col.subject", &[]),
                    tr(locale, "cli.col.requester", &[]),
                    tr(locale, "cli.col.assignee", &[]),
                    tr(locale, "cli.col.priority", &[]),
                    tr(locale, "cli.col.status", &[]),
                    tr(locale, "cli.col.due_utc", &[]),
                ];
                output::table(
                    &header.iter().map(String::as_str).collect::<Vec<_>>(),
                    &rows,
                    &[],
                );
                if page.has_after {
                    println!("{}", tr(locale, "cli.more", &[]));
                }
            }
        }
        TicketCommand::Show { reference, json } => {
            let t = find(&db, &reference, locale).await?;
            // The TUI's ticket detail, assembled in one place.
            let d = detail(&db, t.id, locale).await?;
            if json {
                output::print_json(&detail_json(&d));
            } else {
                show(&d, locale);
                println!("\n{}\n", sanitize(&d.body));
                for m in &d.messages {
                    let mark = if m.is_internal {
                        format!(" [{}]", tr(locale, "cli.ticket.internal_note", &[]))
                    } else {
                        String::new()
                    };
                    let when = absolute(m.created_at, locale);
                    let who = m
                        .sender_name
                        .clone()
                        .unwrap_or_else(|| tr(locale, "audit.system", &[]));
                    // A system message in the reader's language.
                    let body = crate::office::messages::message_text(m, locale);
                    println!(
                        "— {} · {}{mark}\n{}\n",
                        sanitize_line(&who),
                        when,
                        sanitize(&body)
                    );
                }
            }
        }
        TicketCommand::Assign {
            reference,
            to,
            json,
        } => {
            let t = find(&db, &reference, locale).await?;
            let agent = store::users::find_by_email(&mut db.clone(), &to)
                .await
                .or_cli(locale)?
                .ok_or_else(|| {
                    let e = ServiceError::NotFound {
                        what: "user",
                        key: to.clone(),
                    };
                    CliError::from_service(e, locale)
                })?;
            service::tickets::assign(&db, &actor, &origin, t.id, agent.id, None)
                .await
                .or_cli(locale)?;
            if json {
                output::print_json(&detail_json(&detail(&db, t.id, locale).await?));
                return Ok(());
            }
            output::say(&tr(
                locale,
                "cli.ticket.assigned",
                &[
                    ("reference", &output::quote(&t.reference)),
                    ("name", &output::quote(&agent.name)),
                ],
            ));
        }
        TicketCommand::Reply {
            reference,
            body,
            internal,
            json,
        } => {
            let t = find(&db, &reference, locale).await?;
            service::tickets::reply(&db, &actor, &origin, t.id, &body, internal)
                .await
                .or_cli(locale)?;
            if json {
                output::print_json(&detail_json(&detail(&db, t.id, locale).await?));
                return Ok(());
            }
            let reference = output::quote(&t.reference);
            let args = [("reference", reference.as_str())];
            if internal {
                output::say(&tr(locale, "cli.ticket.noted", &args));
            } else {
                output::say(&tr(locale, "cli.ticket.replied", &args));
            }
        }
        TicketCommand::FollowUp {
            reference,
            body,
            json,
        } => {
            let t = find(&db, &reference, locale).await?;
            let (id, new_reference) =
                service::tickets::follow_up(&db, &actor, &origin, t.id, &body)
                    .await
                    .or_cli(locale)?;
            if json {
                output::print_json(&detail_json(&detail(&db, id, locale).await?));
                return Ok(());
            }
            let args = [
                ("reference", output::quote(&new_reference)),
                ("closed", output::quote(&t.reference)),
            ];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            output::say(&tr(locale, "cli.ticket.followed_up", &args));
        }
        TicketCommand::Status {
            reference,
            status: to,
            resolution,
            json,
        } => {
            let t = find(&db, &reference, locale).await?;
            service::tickets::transition(
                &db,
                &actor,
                &origin,
                t.id,
                to,
                resolution.as_deref(),
                None,
            )
            .await
            .or_cli(locale)?;
            if json {
                output::print_json(&detail_json(&detail(&db, t.id, locale).await?));
                return Ok(());
            }
            output::say(&tr(
                locale,
                "cli.ticket.moved",
                &[
                    ("reference", &output::quote(&t.reference)),
                    ("status", &status_word("ticket", to.as_str(), locale)),
                ],
            ));
        }
    }
    Ok(())
}
