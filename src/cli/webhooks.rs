//! `obryl webhook …`: partners' endpoints, their deliveries, replays.

use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::domain::{Locale, UseCase};
use crate::office::format::{absolute, status as status_word};
use crate::office::messages::plural;
use crate::service::webhooks::{self, EndpointInput};
use crate::service::{Actor, Origin};
use crate::store::deliveries::{self, DeliveryRow};
use crate::store::webhooks::EndpointRow;
use crate::store::{self, Anchor, Db};
use crate::tr;

use super::output::or_dash;
use super::{CliError, OrCli, output, session};

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add an endpoint; prints its id and signing secret (shown this once).
    Add {
        url: String,
        /// Event types to send, comma-separated (`*` for every type).
        #[arg(long, value_delimiter = ',', required = true)]
        events: Vec<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Endpoints with their status and failure streak.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop sending to an endpoint.
    Disable {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Send to an endpoint again (its failure streak starts over).
    Enable {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// A new signing secret; the old one keeps signing for `webhooks.rotation_overlap_hours`.
    Rotate {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Queue a `webhook.test` event for this endpoint only.
    Test {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Delivery attempts, newest first.
    Deliveries {
        #[arg(long)]
        endpoint: Option<i64>,
        /// Only failed attempts.
        #[arg(long)]
        failed: bool,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Send one delivery again, or every failed one of an endpoint since a time.
    Replay {
        #[arg(required_unless_present = "endpoint", conflicts_with = "endpoint")]
        delivery: Option<i64>,
        #[arg(long, requires = "failed_since")]
        endpoint: Option<i64>,
        /// An RFC 3339 time, or YYYY-MM-DD (00:00 UTC).
        #[arg(long, value_name = "TIME", requires = "endpoint")]
        failed_since: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn endpoint_json(e: &EndpointRow) -> serde_json::Value {
    json!({
        "id": e.id,
        "url": e.url,
        "description": e.description,
        "event_types": e.event_types,
        "status": e.status,
        "disabled_reason": e.disabled_reason,
        "disabled_at": output::time(e.disabled_at),
        "failure_streak": e.failure_streak,
        "version": e.version,
        "previous_secret_expires_at": output::time(e.previous_secret_expires_at),
        "created_at": output::time(e.created_at),
        "updated_at": output::time(e.updated_at),
    })
}

fn delivery_json(d: &DeliveryRow) -> serde_json::Value {
    json!({
        "id": d.id,
        "event_id": d.event_id,
        "event_type": d.event_type,
        "endpoint_id": d.webhook_endpoint_id,
        "endpoint_url": d.endpoint_url,
        "attempt": d.attempt,
        "status": d.status,
        "response_status": d.response_status,
        "latency_ms": d.latency_ms,
        "error": d.last_error,
        "response_excerpt": d.response_excerpt,
        "next_attempt_at": output::time(d.next_attempt_at),
        "attempted_at": output::time(d.attempted_at),
        "created_at": output::time(d.created_at),
    })
}

/// "2026-03-01" (00:00 UTC) or an RFC 3339 time.
fn since(text: &str, locale: Locale) -> Result<DateTime<Utc>, CliError> {
    crate::office::format::read_time(text)
        .ok_or_else(|| CliError::failed(tr(locale, "cli_webhook.bad_time", &[("value", text)])))
}

/// Why an endpoint was disabled, in words.
fn reason(e: &EndpointRow, locale: Locale) -> String {
    match e.disabled_reason.as_deref() {
        None => String::new(),
        Some(r) => {
            let key = format!("cli_webhook.reason.{r}");
            match tr(locale, &key, &[]) {
                t if t == key => r.to_owned(),
                t => t,
            }
        }
    }
}

async fn endpoint(db: &Db, id: i64, locale: Locale) -> Result<EndpointRow, CliError> {
    store::webhooks::get(&mut db.clone(), id)
        .await
        .or_cli(locale)?
        .ok_or_else(|| {
            CliError::from_service(
                crate::service::ServiceError::NotFound {
                    what: "webhook endpoint",
                    key: id.to_string(),
                },
                locale,
            )
        })
}

async fn print_endpoint(db: &Db, id: i64, locale: Locale) -> Result<(), CliError> {
    output::print_json(&endpoint_json(&endpoint(db, id, locale).await?));
    Ok(())
}

fn endpoints_table(rows: &[EndpointRow], locale: Locale) {
    let l = |k: &str| tr(locale, &format!("cli_webhook.col.{k}"), &[]);
    let header = [
        l("id"),
        l("url"),
        l("status"),
        l("events"),
        l("streak"),
        l("description"),
    ];
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|e| {
            let status = status_word("webhook", &e.status, locale);
            let status = match reason(e, locale) {
                r if r.is_empty() => status,
                r => format!("{status} ({r})"),
            };
            vec![
                format!("#{}", e.id),
                e.url.clone(),
                status,
                e.event_types.join(","),
                e.failure_streak.to_string(),
                or_dash(e.description.clone()),
            ]
        })
        .collect();
    output::table(&header, &rows, &[4]);
}

fn deliveries_table(rows: &[DeliveryRow], locale: Locale) {
    let l = |k: &str| tr(locale, &format!("cli_webhook.col.{k}"), &[]);
    let header = [
        l("id"),
        l("event"),
        l("endpoint"),
        l("attempt"),
        l("status"),
        l("code"),
        l("latency"),
        l("when"),
        l("error"),
    ];
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|d| {
            let when = match d.status.as_str() {
                "pending" => d.next_attempt_at,
                _ => d.attempted_at.or(d.created_at),
            };
            vec![
                format!("#{}", d.id),
                d.event_type.clone(),
                format!("#{}", d.webhook_endpoint_id),
                d.attempt.to_string(),
                status_word("delivery", &d.status, locale),
                or_dash(d.response_status.map(|c| c.to_string())),
                or_dash(d.latency_ms.map(|ms| format!("{ms} ms"))),
                absolute(when, locale),
                or_dash(d.last_error.clone()),
            ]
        })
        .collect();
    output::table(&header, &rows, &[3, 5, 6]);
}

/// Every endpoint, page after page (there are few).
async fn all_endpoints(db: &Db, locale: Locale) -> Result<Vec<EndpointRow>, CliError> {
    let mut out = Vec::new();
    let mut anchor = Anchor::First;
    loop {
        let page = store::webhooks::page(&mut db.clone(), &Default::default(), &anchor, 200)
            .await
            .or_cli(locale)?;
        let last = page.rows.last().map(|r| store::page::Cursor::id(r.id));
        out.extend(page.rows);
        match (page.has_after, last) {
            (true, Some(c)) => anchor = Anchor::After(c),
            _ => return Ok(out),
        }
    }
}

async fn manager(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
) -> Result<(Db, Actor), CliError> {
    session::open_for(config, locale, as_email, UseCase::WebhookManage).await
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: WebhookCommand,
) -> Result<(), CliError> {
    let origin = Origin::cli();
    let policy = config.webhooks.policy();
    let id_arg = |id: i64| id.to_string();
    match cmd {
        WebhookCommand::Add {
            url,
            events,
            description,
            json,
        } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            let input = EndpointInput {
                url: &url,
                description: description.as_deref(),
                event_types: &events,
            };
            let added = webhooks::add(&db, &actor, &origin, &policy, &input)
                .await
                .or_cli(locale)?;
            let row = endpoint(&db, added.id, locale).await?;
            if json {
                let mut v = endpoint_json(&row);
                v["secret"] = added.secret.into();
                output::print_json(&v);
            } else {
                output::say(&tr(
                    locale,
                    "cli_webhook.added",
                    &[("id", &id_arg(added.id)), ("url", &output::quote(&row.url))],
                ));
                println!(
                    "{}",
                    tr(locale, "cli_webhook.secret", &[("secret", &added.secret)])
                );
            }
        }
        WebhookCommand::List { json } => {
            let (db, _) = manager(config, locale, as_email).await?;
            let rows = all_endpoints(&db, locale).await?;
            if json {
                output::print_list(rows.iter().map(endpoint_json).collect());
            } else if rows.is_empty() {
                println!("{}", tr(locale, "cli_webhook.none", &[]));
            } else {
                endpoints_table(&rows, locale);
            }
        }
        WebhookCommand::Disable { id, json } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            webhooks::disable(&db, &actor, &origin, id, None)
                .await
                .or_cli(locale)?;
            if json {
                return print_endpoint(&db, id, locale).await;
            }
            output::say(&tr(locale, "cli_webhook.disabled", &[("id", &id_arg(id))]));
        }
        WebhookCommand::Enable { id, json } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            webhooks::enable(&db, &actor, &origin, id, None)
                .await
                .or_cli(locale)?;
            if json {
                return print_endpoint(&db, id, locale).await;
            }
            output::say(&tr(locale, "cli_webhook.enabled", &[("id", &id_arg(id))]));
        }
        WebhookCommand::Rotate { id, json } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            let rotated = webhooks::rotate(&db, &actor, &origin, &policy, id, None)
                .await
                .or_cli(locale)?;
            if json {
                let mut v = endpoint_json(&endpoint(&db, id, locale).await?);
                v["secret"] = rotated.secret.into();
                output::print_json(&v);
                return Ok(());
            }
            println!(
                "{}",
                tr(
                    locale,
                    "cli_webhook.rotated",
                    &[("id", &id_arg(id)), ("secret", &rotated.secret)]
                )
            );
            println!(
                "{}",
                tr(
                    locale,
                    "cli_webhook.overlap",
                    &[("until", &absolute(Some(rotated.previous_until), locale))]
                )
            );
        }
        WebhookCommand::Test { id, json } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            let delivery = webhooks::send_test(&db, &actor, &origin, id)
                .await
                .or_cli(locale)?;
            if json {
                return print_delivery(&db, delivery, locale).await;
            }
            output::say(&tr(
                locale,
                "cli_webhook.test_queued",
                &[("id", &id_arg(id)), ("delivery", &id_arg(delivery))],
            ));
        }
        WebhookCommand::Deliveries {
            endpoint,
            failed,
            limit,
            json,
        } => {
            let (db, _) = manager(config, locale, as_email).await?;
            let filter = deliveries::Filter {
                endpoint_id: endpoint,
                failed,
                ..Default::default()
            };
            let page = deliveries::page(&mut db.clone(), &filter, &Anchor::First, limit.min(1000))
                .await
                .or_cli(locale)?;
            if json {
                output::print_list(page.rows.iter().map(delivery_json).collect());
            } else if page.rows.is_empty() {
                println!("{}", tr(locale, "cli_webhook.no_deliveries", &[]));
            } else {
                deliveries_table(&page.rows, locale);
                if page.has_after {
                    println!("{}", tr(locale, "cli.more", &[]));
                }
            }
        }
        WebhookCommand::Replay {
            delivery,
            endpoint,
            failed_since,
            json,
        } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            match (delivery, endpoint, failed_since) {
                (Some(delivery), _, _) => {
                    let queued = webhooks::replay(&db, &actor, &origin, delivery)
                        .await
                        .or_cli(locale)?;
                    if json {
                        return print_delivery(&db, queued, locale).await;
                    }
                    output::say(&tr(
                        locale,
                        "cli_webhook.replayed",
                        &[("delivery", &id_arg(delivery)), ("id", &id_arg(queued))],
                    ));
                }
                (None, Some(endpoint), Some(text)) => {
                    let at = since(&text, locale)?;
                    let n = webhooks::replay_failed_since(&db, &actor, &origin, endpoint, at)
                        .await
                        .or_cli(locale)?;
                    if json {
                        output::print_json(&json!({
                            "endpoint_id": endpoint,
                            "failed_since": output::time(Some(at)),
                            "queued": n,
                        }));
                        return Ok(());
                    }
                    output::say(&plural(
                        locale,
                        "cli_webhook.replayed_since",
                        n as usize,
                        &[
                            ("n", &n.to_string()),
                            ("id", &id_arg(endpoint)),
                            ("since", &absolute(Some(at), locale)),
                        ],
                    ));
                }
                // clap requires one form or the other.
                _ => return Err(CliError::failed(tr(locale, "cli_webhook.replay_what", &[]))),
            }
        }
    }
    Ok(())
}

async fn print_delivery(db: &Db, id: i64, locale: Locale) -> Result<(), CliError> {
    let row = deliveries::get(&mut db.clone(), id)
        .await
        .or_cli(locale)?
        .ok_or_else(|| {
            CliError::from_service(
                crate::service::ServiceError::NotFound {
                    what: "webhook delivery",
                    key: id.to_string(),
                },
                locale,
            )
        })?;
    output::print_json(&delivery_json(&row));
    Ok(())
}
