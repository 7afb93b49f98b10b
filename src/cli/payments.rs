//! `obryl payment ...` and `obryl reconcile`: payment transactions, a provider's confirmation
//! or failure recorded by hand, and a provider statement reconciled against ours.

use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::domain::{Locale, UseCase};
use crate::office::format::{money, status};
use crate::office::messages::plural;
use crate::office::reconcile::{Outcome, ReconcileError, Report};
use crate::office::words;
use crate::service::{self, Origin};
use crate::store::escrows::PaymentRow;
use crate::store::payments::Filter;
use crate::store::{self, Anchor};
use crate::tr;

use super::output::or_dash;
use super::{CliError, OrCli, output, session};

const PROVIDERS: [&str; 6] = [
    "stripe",
    "cinetpay",
    "mtn_momo",
    "orange_money",
    "wave",
    "moov_money",
];

pub(super) fn provider_arg(s: &str) -> Result<String, String> {
    PROVIDERS
        .iter()
        .find(|p| p.eq_ignore_ascii_case(s.trim()))
        .map(|p| (*p).to_owned())
        .ok_or_else(|| format!("expected one of {}", PROVIDERS.join(", ")))
}

pub(super) fn status_arg(s: &str) -> Result<String, String> {
    const ALL: [&str; 5] = ["initiated", "pending", "succeeded", "failed", "cancelled"];
    ALL.iter()
        .find(|p| **p == s.trim())
        .map(|p| (*p).to_owned())
        .ok_or_else(|| format!("expected one of {}", ALL.join(", ")))
}

fn direction_arg(s: &str) -> Result<String, String> {
    const ALL: [&str; 3] = ["collection", "payout", "refund"];
    ALL.iter()
        .find(|p| **p == s.trim())
        .map(|p| (*p).to_owned())
        .ok_or_else(|| format!("expected one of {}", ALL.join(", ")))
}

#[derive(Debug, Subcommand)]
pub enum PaymentCommand {
    /// Payment transactions, newest first: collections, payouts, refunds.
    List {
        #[arg(long, value_parser = provider_arg)]
        provider: Vec<String>,
        #[arg(long, value_parser = status_arg)]
        status: Vec<String>,
        #[arg(long, value_parser = direction_arg)]
        direction: Vec<String>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Record the provider's confirmation of a pending transaction, with its reference
    /// (a collection then funds its escrow).
    Confirm {
        id: i64,
        #[arg(long)]
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Record the provider's refusal of a pending transaction, with its reason.
    Fail {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

/// Payment transactions as a text table; `#` is the id `payment confirm|fail` take. Providers,
/// directions and statuses in words (`--json` keeps their codes).
pub fn print_table(payments: &[PaymentRow], locale: Locale) {
    let rows: Vec<Vec<String>> = payments
        .iter()
        .map(|p| {
            vec![
                format!("#{}", p.id),
                words::provider(&p.provider, locale),
                p.provider_reference.clone(),
                status("payment_direction", &p.direction, locale),
                money(p.amount, &p.currency, locale),
                status("payment", &p.status, locale),
                or_dash(p.failure_reason.clone()),
            ]
        })
        .collect();
    let header = [
        "id",
        "provider",
        "reference",
        "direction",
        "amount",
        "status",
        "failure",
    ]
    .map(|k| tr(locale, &format!("cli_payment.col.{k}"), &[]));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    output::table(&header, &rows, &[4]);
}

pub fn as_json(p: &PaymentRow) -> serde_json::Value {
    json!({
        "id": p.id, "project_id": p.project_id, "escrow_id": p.escrow_id,
        "provider": p.provider, "provider_reference": p.provider_reference,
        "direction": p.direction, "amount": p.amount, "currency": p.currency,
        "status": p.status, "failure_reason": p.failure_reason,
        "created_at": output::time(p.created_at), "updated_at": output::time(p.updated_at),
    })
}

pub(super) async fn print_one(db: &store::Db, id: i64, locale: Locale) -> Result<(), CliError> {
    let p = store::payments::get(&mut db.clone(), id)
        .await
        .or_cli(locale)?;
    output::print_json(&p.as_ref().map(as_json).unwrap_or_default());
    Ok(())
}

pub async fn payment(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: PaymentCommand,
) -> Result<(), CliError> {
    let origin = Origin::cli();
    match cmd {
        PaymentCommand::List {
            provider,
            status,
            direction,
            limit,
            json,
        } => {
            let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
            let f = Filter {
                providers: provider,
                statuses: status,
                directions: direction,
                reference: None,
            };
            let page = store::payments::page(&mut db.clone(), &f, &Anchor::First, limit.min(1000))
                .await
                .or_cli(locale)?;
            if json {
                output::print_list(page.rows.iter().map(as_json).collect());
                return Ok(());
            }
            print_table(&page.rows, locale);
        }
        PaymentCommand::Confirm {
            id,
            reference,
            json,
        } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            service::payments::confirm(&db, &actor, &origin, id, &reference)
                .await
                .or_cli(locale)?;
            if json {
                return print_one(&db, id, locale).await;
            }
            output::say(&tr(
                locale,
                "cli_payment.confirmed",
                &[("id", &id.to_string())],
            ));
        }
        PaymentCommand::Fail { id, reason, json } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            service::payments::fail(&db, &actor, &origin, id, &reason)
                .await
                .or_cli(locale)?;
            if json {
                return print_one(&db, id, locale).await;
            }
            output::say(&tr(
                locale,
                "cli_payment.failed",
                &[("id", &id.to_string())],
            ));
        }
    }
    Ok(())
}

/// `obryl reconcile --provider P FILE`: exit 0 when every line matches and nothing is missing
/// either way, 1 with the report otherwise. The file is streamed (read a line at a time), so
/// its size does not matter to memory.
pub async fn reconcile(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    provider: &str,
    file: &std::path::Path,
    json: bool,
) -> Result<(), CliError> {
    let unreadable = |e: std::io::Error| {
        CliError::failed(tr(
            locale,
            "cli_payment.unreadable",
            &[
                ("path", &file.display().to_string()),
                ("error", &e.to_string()),
            ],
        ))
    };
    let input = tokio::fs::File::open(file).await.map_err(unreadable)?;
    let input = tokio::io::BufReader::with_capacity(256 * 1024, input);
    let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
    let report = crate::office::reconcile::reconcile_stream(&mut db.clone(), provider, input)
        .await
        .map_err(|e| match e {
            ReconcileError::Read(e) => unreadable(e),
            ReconcileError::Service(e) => CliError::from_service(e, locale),
        })?;
    if json {
        output::print_json(&serde_json::to_value(&report).unwrap_or_default());
    } else {
        print_report(&report, locale);
    }
    if report.reconciles() {
        Ok(())
    } else {
        Err(CliError::refused(tr(locale, "cli_payment.mismatches", &[])))
    }
}

/// The report as a person reads it: how many lines of each kind (the count and its words
/// agree), then each line to look at, providers and statuses in words.
fn print_report(r: &Report, locale: Locale) {
    let l = |k: &str| tr(locale, k, &[]);
    let outcomes = [
        (Outcome::Matched, "matched"),
        (Outcome::AmountMismatch, "amount_mismatch"),
        (Outcome::CurrencyMismatch, "currency_mismatch"),
        (Outcome::StatusMismatch, "status_mismatch"),
        (Outcome::MissingOnOurSide, "missing_ours"),
        (Outcome::MissingAtProvider, "missing_theirs"),
    ];
    let lines = r.lines.to_string();
    println!(
        "{} · {}",
        words::provider(&r.provider, locale),
        plural(locale, "cli_payment.lines_count", r.lines, &[("n", &lines)])
    );
    let mut counts: Vec<(&str, usize)> =
        outcomes.iter().map(|(o, key)| (*key, r.count(o))).collect();
    if r.unreadable_count() > 0 {
        counts.push(("unreadable", r.unreadable_count()));
    }
    let width = counts
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    for (key, n) in counts {
        let padded = format!("{n:>width$}");
        let key = format!("cli_payment.count.{key}");
        println!("  {}", plural(locale, &key, n, &[("n", &padded)]));
    }
    let amount = |v: &Option<(i64, String, String)>| {
        v.as_ref()
            .map(|(a, c, s)| format!("{} {}", money(*a, c, locale), status("payment", s, locale)))
            .unwrap_or_else(|| "—".into())
    };
    for e in r.entries.iter().filter(|e| e.outcome != Outcome::Matched) {
        let key = outcomes
            .iter()
            .find(|(o, _)| *o == e.outcome)
            .map(|(_, k)| *k)
            .unwrap_or("matched");
        println!(
            "{} · {} · {} {} · {} {}",
            l(&format!("cli_payment.{key}")),
            crate::domain::sanitize_line(&e.reference),
            l("cli_payment.ours"),
            amount(&e.ours),
            l("cli_payment.theirs"),
            amount(&e.theirs),
        );
    }
    // Past the first lines kept, the report only counts.
    if r.entries_not_listed > 0 {
        println!("… +{}", r.entries_not_listed);
    }
    for u in &r.unreadable {
        println!(
            "{} {}: {}",
            l("cli_payment.line"),
            u.line,
            crate::domain::sanitize_line(&u.reason)
        );
    }
    if r.unreadable_not_listed > 0 {
        let n = r.unreadable_not_listed.to_string();
        println!(
            "… +{}",
            plural(
                locale,
                "cli_payment.count.unreadable",
                r.unreadable_not_listed,
                &[("n", &n)]
            )
        );
    }
}
