//! `obryl payout ...`: what developers are owed, payout batches per provider and currency
//! with their files, and a payout marked sent or failed by hand.

use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::domain::{Locale, UseCase};
use crate::office::format::money;
use crate::office::messages::plural;
use crate::office::payout_file::{self, Owed};
use crate::office::words;
use crate::service::{self, Origin};
use crate::store::payouts::{PayoutFilter, PayoutRow};
use crate::store::{self, Anchor};
use crate::tr;

use super::output::or_dash;
use super::payments::{print_one, provider_arg, status_arg};
use super::{CliError, OrCli, output, session};

fn currency_arg(s: &str) -> Result<String, String> {
    crate::domain::Currency::parse(s.trim())
        .map(|c| c.code().to_owned())
        .map_err(|_| {
            let known: Vec<&str> = crate::domain::Currency::ALL
                .iter()
                .map(|c| c.code())
                .collect();
            format!("expected one of {}", known.join(", "))
        })
}

#[derive(Debug, Subcommand)]
pub enum PayoutCommand {
    /// What each developer is owed on the payable account, per currency, then the latest
    /// payouts (`--json`: what is owed, one object per developer and currency).
    List {
        /// How many of the latest payouts to print under what is owed.
        #[arg(long, default_value_t = 10)]
        latest: u64,
        #[arg(long)]
        json: bool,
    },
    /// Payouts, newest first: the id `mark-sent` / `mark-failed` take, the developer, the
    /// provider, the amount, the status, the reference and the batch.
    History {
        #[arg(long, value_parser = provider_arg)]
        provider: Vec<String>,
        #[arg(long, value_parser = status_arg)]
        status: Vec<String>,
        #[arg(long, value_parser = currency_arg)]
        currency: Vec<String>,
        #[arg(long)]
        batch: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Group everything owed to developers paid through PROVIDER into a batch of pending
    /// payouts, and write the batch files for the provider's bulk upload: one per currency.
    Batch {
        /// stripe, cinetpay, mtn_momo, orange_money, wave or moov_money.
        #[arg(value_parser = provider_arg, required_unless_present = "provider_flag")]
        provider: Option<String>,
        /// The provider, as a flag (as earlier versions took it).
        #[arg(long = "provider", value_parser = provider_arg, conflicts_with = "provider", hide = true)]
        provider_flag: Option<String>,
        /// Only what is owed in this currency (default: every currency, one file each).
        #[arg(long, value_parser = currency_arg)]
        currency: Option<String>,
        /// The folder the batch files go into (BATCH-CURRENCY.csv); default: exports/ in the
        /// data directory.
        #[arg(long, value_name = "DIR")]
        out: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The provider paid it: record its reference.
    MarkSent {
        id: i64,
        #[arg(long)]
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// The provider could not pay it: the amount goes back to the developer's balance.
    MarkFailed {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

/// A column title of the payout commands, in the user's language.
fn col(locale: Locale, key: &str) -> String {
    tr(locale, &format!("cli_payout.col.{key}"), &[])
}

fn owed_json(o: &Owed) -> serde_json::Value {
    json!({
        "developer_id": o.developer_id, "developer": o.developer_name,
        "currency": o.currency, "amount": o.amount,
        "payout_method": o.payout_method, "provider": o.provider,
        "projects": o.projects.iter()
            .map(|(p, a)| json!({"project_id": p, "amount": a}))
            .collect::<Vec<_>>(),
    })
}

fn payout_json(p: &PayoutRow) -> serde_json::Value {
    json!({
        "id": p.id, "project_id": p.project_id, "developer_id": p.developer_id,
        "developer": p.developer_name, "provider": p.provider,
        "provider_reference": p.provider_reference, "amount": p.amount,
        "currency": p.currency, "status": p.status, "batch_id": p.batch_id,
        "failure_reason": p.failure_reason,
        "created_at": output::time(p.created_at), "updated_at": output::time(p.updated_at),
    })
}

/// What each developer is owed, one line per developer and currency.
fn print_owed(owed: &[Owed], locale: Locale) {
    if owed.is_empty() {
        output::say(&tr(locale, "cli_payout.nothing_owed", &[]));
        return;
    }
    let rows: Vec<Vec<String>> = owed
        .iter()
        .map(|o| {
            vec![
                o.developer_name.clone(),
                o.currency.clone(),
                money(o.amount, &o.currency, locale),
                o.projects.len().to_string(),
                o.provider
                    .map(|p| words::provider(p, locale))
                    .or_else(|| {
                        let method = o.payout_method.as_deref()?;
                        Some(crate::office::format::status("payout", method, locale))
                    })
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let header = ["developer", "currency", "owed", "projects", "provider"].map(|k| col(locale, k));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    output::table(&header, &rows, &[2, 3]);
}

/// Payouts as a table; `#` is the id `payout mark-sent|mark-failed` take.
fn print_payouts(rows: &[PayoutRow], locale: Locale) {
    if rows.is_empty() {
        output::say(&tr(locale, "cli_payout.no_payouts", &[]));
        return;
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|p| {
            vec![
                format!("#{}", p.id),
                crate::office::format::absolute(p.created_at, locale),
                or_dash(p.developer_name.clone()),
                words::provider(&p.provider, locale),
                money(p.amount, &p.currency, locale),
                crate::office::format::status("payment", &p.status, locale),
                p.provider_reference.clone(),
                or_dash(p.batch_id.clone()),
                or_dash(p.failure_reason.clone()),
            ]
        })
        .collect();
    let header = [
        "id",
        "created",
        "developer",
        "provider",
        "amount",
        "status",
        "reference",
        "batch",
        "failure",
    ]
    .map(|k| col(locale, k));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    output::table(&header, &table, &[4]);
}

pub async fn payout(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: PayoutCommand,
) -> Result<(), CliError> {
    let origin = Origin::cli();
    match cmd {
        PayoutCommand::List { latest, json } => {
            let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
            let owed = payout_file::owed_now(&mut db.clone(), 100_000)
                .await
                .or_cli(locale)?;
            if json {
                output::print_list(owed.iter().map(owed_json).collect());
                return Ok(());
            }
            println!("{}", tr(locale, "cli_payout.owed_heading", &[]));
            print_owed(&owed, locale);
            if latest > 0 {
                let page = store::payouts::page_payouts(
                    &mut db.clone(),
                    &PayoutFilter::default(),
                    &Anchor::First,
                    latest.min(1000),
                )
                .await
                .or_cli(locale)?;
                println!();
                println!("{}", tr(locale, "cli_payout.latest_heading", &[]));
                print_payouts(&page.rows, locale);
            }
        }
        PayoutCommand::History {
            provider,
            status,
            currency,
            batch,
            limit,
            json,
        } => {
            let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
            let f = PayoutFilter {
                statuses: status,
                providers: provider,
                currencies: currency,
                batch_id: batch,
                developer_id: None,
            };
            let page =
                store::payouts::page_payouts(&mut db.clone(), &f, &Anchor::First, limit.min(1000))
                    .await
                    .or_cli(locale)?;
            if json {
                output::print_list(page.rows.iter().map(payout_json).collect());
                return Ok(());
            }
            print_payouts(&page.rows, locale);
        }
        PayoutCommand::Batch {
            provider,
            provider_flag,
            currency,
            out,
            json,
        } => {
            let Some(provider) = provider.or(provider_flag) else {
                return Err(CliError::failed(tr(
                    locale,
                    "cli_payout.which_provider",
                    &[],
                )));
            };
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            let (batch, payouts) = service::payouts::create_batch(
                &db,
                &actor,
                &origin,
                &provider,
                currency.as_deref(),
            )
            .await
            .or_cli(locale)?;
            let dir = out.unwrap_or_else(|| config.data_dir().join("exports"));
            let written = match payouts.is_empty() {
                true => Vec::new(),
                false => payout_file::write(&dir, &batch, &payouts).map_err(|e| {
                    CliError::failed(tr(
                        locale,
                        "cli_payout.unwritable",
                        &[
                            ("path", &dir.display().to_string()),
                            ("error", &e.to_string()),
                            ("batch", &batch),
                        ],
                    ))
                })?,
            };
            if json {
                output::print_json(&json!({
                    "batch_id": if payouts.is_empty() { None } else { Some(&batch) },
                    "provider": provider,
                    "payouts": payouts.iter().map(|p| json!({
                        "payment_id": p.payment_id, "developer_id": p.developer_id,
                        "developer": p.developer_name, "amount": p.amount,
                        "currency": p.currency, "reference": p.reference,
                    })).collect::<Vec<_>>(),
                    "files": written.iter().map(|w| json!({
                        "currency": w.currency, "path": w.path.display().to_string(),
                        "payouts": w.payouts, "total": w.total,
                    })).collect::<Vec<_>>(),
                }));
                return Ok(());
            }
            if payouts.is_empty() {
                output::say(&match &currency {
                    Some(c) => tr(
                        locale,
                        "cli_payout.nothing_to_batch_in",
                        &[
                            ("provider", &words::provider(&provider, locale)),
                            ("currency", c),
                        ],
                    ),
                    None => tr(
                        locale,
                        "cli_payout.nothing_to_batch",
                        &[("provider", &words::provider(&provider, locale))],
                    ),
                });
                return Ok(());
            }
            let n = payouts.len().to_string();
            output::say(&tr(
                locale,
                "cli_payout.batch_created",
                &[
                    ("batch", &batch),
                    (
                        "payouts",
                        &plural(locale, "payouts_view.payouts", payouts.len(), &[("n", &n)]),
                    ),
                ],
            ));
            for w in &written {
                output::say(&tr(
                    locale,
                    "cli_payout.file_written",
                    &[
                        ("currency", &w.currency),
                        (
                            "payouts",
                            &plural(
                                locale,
                                "payouts_view.payouts",
                                w.payouts,
                                &[("n", &w.payouts.to_string())],
                            ),
                        ),
                        ("total", &money(w.total, &w.currency, locale)),
                        ("path", &w.path.display().to_string()),
                    ],
                ));
            }
        }
        PayoutCommand::MarkSent {
            id,
            reference,
            json,
        } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            service::payouts_guard::require_payout(&mut db.clone(), id)
                .await
                .or_cli(locale)?;
            service::payments::confirm(&db, &actor, &origin, id, &reference)
                .await
                .or_cli(locale)?;
            if json {
                return print_one(&db, id, locale).await;
            }
            output::say(&tr(
                locale,
                "cli_payout.sent",
                &[("id", &id.to_string()), ("reference", &reference)],
            ));
        }
        PayoutCommand::MarkFailed { id, reason, json } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            service::payouts_guard::require_payout(&mut db.clone(), id)
                .await
                .or_cli(locale)?;
            service::payments::fail(&db, &actor, &origin, id, &reason)
                .await
                .or_cli(locale)?;
            if json {
                return print_one(&db, id, locale).await;
            }
            output::say(&tr(locale, "cli_payout.failed", &[("id", &id.to_string())]));
        }
    }
    Ok(())
}
