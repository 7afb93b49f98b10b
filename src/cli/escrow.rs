//! `obryl escrow ...` and `obryl ledger verify`: the money path from a script, with the same
//! rules and exit codes as the screens. Amounts are written as staff write them (`450000`,
//! `1 234,50`, `1234.50`), in the escrow's currency.

use clap::{Args, Subcommand};
use serde_json::json;

use crate::config::Config;
use crate::domain::{Currency, Locale, UseCase, parse_display_amount};
use crate::office::escrow::{EscrowDetail, Verification};
use crate::office::format::{absolute, money};
use crate::office::messages::plural;
use crate::office::words;
use crate::service::escrow::{Split, Take};
use crate::service::{self, Origin};
use crate::store::escrows::{EscrowRow, Filter};
use crate::store::{self, Anchor};
use crate::tr;

use super::output::or_dash;
use super::{CliError, OrCli, output, session};

#[derive(Debug, Subcommand)]
pub enum EscrowCommand {
    /// List escrows, newest first.
    List {
        /// Only these statuses (awaiting_funds, held, partially_released, released,
        /// partially_refunded, refunded, disputed, expired).
        #[arg(long, value_parser = status_arg)]
        status: Vec<String>,
        #[arg(long)]
        currency: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Show one escrow: amounts, who is owed what, payments, transfers, history.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Release all or part of what is left (developer, platform and contributors in proportion).
    Release {
        id: i64,
        #[command(flatten)]
        how_much: HowMuch,
        #[arg(long)]
        json: bool,
    },
    /// Refund all or part of what is left to the client, with a reason.
    Refund {
        id: i64,
        #[command(flatten)]
        how_much: HowMuch,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Decide a dispute: what is left split between developer and client (give one amount,
    /// both, or --developer-percent).
    Split {
        id: i64,
        #[arg(long, value_name = "AMOUNT")]
        developer: Option<String>,
        #[arg(long, value_name = "AMOUNT")]
        client: Option<String>,
        /// The developer's share of what is left, in percent (0 to 100, decimals allowed).
        #[arg(long, value_name = "PERCENT")]
        developer_percent: Option<String>,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Withdraw the decision waiting for a second approval.
    Withdraw {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Release every escrow whose client left a delivery unanswered for escrow.auto_release_days.
    AutoRelease {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct HowMuch {
    /// Everything left in escrow.
    #[arg(long)]
    all: bool,
    /// This much, in the escrow's currency.
    #[arg(long, value_name = "AMOUNT")]
    amount: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Recount every account from its transfers against the cached totals, and check the
    /// balance per currency, escrow bounds, linked transfers, balance rules and idempotency
    /// keys. Exit 0 when every check holds, 1 otherwise.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

fn status_arg(s: &str) -> Result<String, String> {
    crate::domain::EscrowStatus::parse(s)
        .map(|st| st.as_str().to_owned())
        .map_err(|_| {
            let all: Vec<&str> = crate::domain::EscrowStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect();
            format!("expected one of {}", all.join(", "))
        })
}

fn as_json(r: &EscrowRow) -> serde_json::Value {
    json!({
        "id": r.id, "project_id": r.project_id, "project": r.project_title,
        "project_status": r.project_status, "client": r.client_name, "developer": r.developer_name,
        "status": r.status, "currency": r.currency, "held": r.amount_held,
        "released": r.amount_released, "refunded": r.amount_refunded,
        "remaining": r.amounts().remaining(), "provider": r.provider,
        "lock_version": r.lock_version,
        "awaiting_second_approval": crate::office::escrow::waiting_json(r),
        "created_at": output::time(r.created_at), "updated_at": output::time(r.updated_at),
    })
}

fn detail_json(d: &EscrowDetail) -> serde_json::Value {
    let mut v = as_json(&d.row);
    v["owed"] = json!({
        "developer": d.owed.developer, "platform": d.owed.platform,
        "contributors": d.owed.contributors.iter()
            .map(|(id, a)| json!({"ext_commission_id": id, "amount": a})).collect::<Vec<_>>(),
    });
    v["auto_release_at"] = output::time(d.auto_release_at);
    v["payments"] = d
        .payments
        .iter()
        .map(|p| {
            json!({
                "id": p.id, "provider": p.provider, "provider_reference": p.provider_reference,
                "direction": p.direction, "amount": p.amount, "currency": p.currency,
                "status": p.status, "failure_reason": p.failure_reason,
                "created_at": output::time(p.created_at),
            })
        })
        .collect();
    v["transfers"] = d
        .transfers
        .iter()
        .map(|t| {
            json!({
                "id": t.id, "idempotency_key": t.idempotency_key, "debit": t.debit_code,
                "credit": t.credit_code, "amount": t.amount, "currency": t.currency,
                "code": t.code, "batch_id": t.batch_id, "created_at": output::time(t.created_at),
            })
        })
        .collect();
    v
}

async fn detail(db: &store::Db, id: i64, locale: Locale) -> Result<EscrowDetail, CliError> {
    let mut c = db.clone();
    crate::office::escrow::detail(&mut c, id)
        .await
        .or_cli(locale)
}

fn amount(text: &str, currency: &str, locale: Locale) -> Result<i64, CliError> {
    let currency = Currency::parse(currency).or_cli(locale)?;
    parse_display_amount(text, currency, locale)
        .or_else(|_| parse_display_amount(text, currency, Locale::En))
        .map_err(|e| CliError::failed(crate::office::messages::error_text(&e.into(), locale)))
}

fn take(how: &HowMuch, currency: &str, locale: Locale) -> Result<Take, CliError> {
    match &how.amount {
        Some(a) if !how.all => Ok(Take::Amount(amount(a, currency, locale)?)),
        _ => Ok(Take::All),
    }
}

fn show(d: &EscrowDetail, locale: Locale) {
    let r = &d.row;
    let l = |key: &str| tr(locale, key, &[]);
    let m = |v: i64| money(v, &r.currency, locale);
    let mut fields = vec![
        (l("cli_escrow.escrow"), format!("#{}", r.id)),
        (
            l("cli.label.project"),
            format!("#{} {}", r.project_id, r.project_title),
        ),
        (
            l("cli.label.status"),
            crate::office::escrow::status_text(r, locale),
        ),
        (l("cli_escrow.client"), r.client_name.clone()),
        (l("cli_escrow.developer"), or_dash(r.developer_name.clone())),
        (l("cli_escrow.held"), m(r.amount_held)),
        (l("cli_escrow.released"), m(r.amount_released)),
        (l("cli_escrow.refunded"), m(r.amount_refunded)),
        (l("cli_escrow.remaining"), m(r.amounts().remaining())),
        (l("cli_escrow.owed_developer"), m(d.owed.developer)),
        (l("cli_escrow.owed_platform"), m(d.owed.platform)),
    ];
    for (id, a) in &d.owed.contributors {
        fields.push((
            format!("{} X-{id}", l("cli_escrow.owed_contributor")),
            m(*a),
        ));
    }
    if let Some(text) = crate::office::escrow::waiting_text(r, locale) {
        fields.push((l("escrow_view.waiting"), text));
    }
    let provider = r.provider.as_deref().map(|p| words::provider(p, locale));
    fields.push((l("cli_escrow.provider"), or_dash(provider)));
    fields.push((
        l("cli_escrow.auto_release"),
        absolute(d.auto_release_at, locale),
    ));
    output::record(&fields);
    if !d.payments.is_empty() {
        println!();
        super::payments::print_table(&d.payments, locale);
    }
    if !d.transfers.is_empty() {
        println!();
        let rows: Vec<Vec<String>> = d
            .transfers
            .iter()
            .map(|t| {
                vec![
                    format!("#{}", t.id),
                    words::movement(&t.debit_code, &t.credit_code, locale),
                    money(t.amount, &t.currency, locale),
                    words::ledger_key(&t.idempotency_key, locale),
                ]
            })
            .collect();
        let header =
            ["transfer", "movement", "amount", "key"].map(|k| l(&format!("cli_escrow.col.{k}")));
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        output::table(&header, &rows, &[2]);
    }
}

pub async fn escrow(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: EscrowCommand,
) -> Result<(), CliError> {
    let origin = Origin::cli();
    match cmd {
        EscrowCommand::List {
            status,
            currency,
            limit,
            json,
        } => {
            let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
            let currencies = match currency {
                Some(c) => vec![Currency::parse(&c).or_cli(locale)?.code().to_owned()],
                None => Vec::new(),
            };
            let filter = Filter {
                statuses: status,
                currencies,
                ..Default::default()
            };
            let mut c = db.clone();
            let page = store::escrows::page(&mut c, &filter, &Anchor::First, limit.min(1000))
                .await
                .or_cli(locale)?;
            if json {
                output::print_list(page.rows.iter().map(as_json).collect());
                return Ok(());
            }
            let rows: Vec<Vec<String>> = page
                .rows
                .iter()
                .map(|r| {
                    vec![
                        format!("#{}", r.id),
                        format!("#{} {}", r.project_id, r.project_title),
                        crate::office::escrow::status_text(r, locale),
                        money(r.amount_held, &r.currency, locale),
                        money(r.amount_released, &r.currency, locale),
                        money(r.amount_refunded, &r.currency, locale),
                        money(r.amounts().remaining(), &r.currency, locale),
                    ]
                })
                .collect();
            let l = |k: &str| tr(locale, k, &[]);
            let header = [
                l("cli_escrow.escrow"),
                l("cli.label.project"),
                l("cli.label.status"),
                l("cli_escrow.held"),
                l("cli_escrow.released"),
                l("cli_escrow.refunded"),
                l("cli_escrow.remaining"),
            ];
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            output::table(&header, &rows, &[3, 4, 5, 6]);
        }
        EscrowCommand::Show { id, json } => {
            let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
            let d = detail(&db, id, locale).await?;
            if json {
                output::print_json(&detail_json(&d));
            } else {
                show(&d, locale);
            }
        }
        EscrowCommand::Release { id, how_much, json } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            let row = detail(&db, id, locale).await?.row;
            let take = take(&how_much, &row.currency, locale)?;
            let decided = service::escrow::release(&db, &actor, &origin, id, take, None)
                .await
                .or_cli(locale)?;
            if json {
                return print_detail(&db, id, locale).await;
            }
            let Some(done) = decided.done() else {
                return first_approval(id, locale);
            };
            let m = |v: i64| money(v, &row.currency, locale);
            let contributors: i64 = done.parts.contributors.iter().map(|c| c.1).sum();
            output::say(&tr(
                locale,
                "cli_escrow.released_said",
                &[
                    ("id", &id.to_string()),
                    ("amount", &m(done.amount)),
                    ("developer", &m(done.parts.developer)),
                    ("platform", &m(done.parts.platform)),
                    ("contributors", &m(contributors)),
                ],
            ));
        }
        EscrowCommand::Refund {
            id,
            how_much,
            reason,
            json,
        } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            let row = detail(&db, id, locale).await?.row;
            let take = take(&how_much, &row.currency, locale)?;
            let decided = service::escrow::refund(&db, &actor, &origin, id, take, &reason, None)
                .await
                .or_cli(locale)?;
            if json {
                return print_detail(&db, id, locale).await;
            }
            let Some(refunded) = decided.done() else {
                return first_approval(id, locale);
            };
            output::say(&tr(
                locale,
                "cli_escrow.refunded_said",
                &[
                    ("id", &id.to_string()),
                    ("amount", &money(refunded, &row.currency, locale)),
                ],
            ));
        }
        EscrowCommand::Split {
            id,
            developer,
            client,
            developer_percent,
            reason,
            json,
        } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            let row = detail(&db, id, locale).await?.row;
            let a = |t: &Option<String>| {
                t.as_deref()
                    .map(|t| amount(t, &row.currency, locale))
                    .transpose()
            };
            let split = match (a(&developer)?, a(&client)?, developer_percent) {
                (Some(d), Some(c), None) => Split::Amounts {
                    developer: d,
                    client: c,
                },
                (Some(d), None, None) => Split::Developer(d),
                (None, Some(c), None) => Split::Client(c),
                (None, None, Some(p)) => Split::DeveloperBps(percent_bps(&p, locale)?),
                _ => {
                    return Err(CliError::failed(tr(locale, "error.split_unclear", &[])));
                }
            };
            let decided =
                service::escrow::decide_dispute(&db, &actor, &origin, id, split, &reason, None)
                    .await
                    .or_cli(locale)?;
            if json {
                return print_detail(&db, id, locale).await;
            }
            let Some(done) = decided.done() else {
                return first_approval(id, locale);
            };
            let m = |v: i64| money(v, &row.currency, locale);
            output::say(&tr(
                locale,
                "cli_escrow.split_said",
                &[
                    ("id", &id.to_string()),
                    ("developer", &m(done.parts.developer)),
                    ("platform", &m(done.parts.platform)),
                    (
                        "contributors",
                        &m(done.parts.contributors.iter().map(|c| c.1).sum()),
                    ),
                    ("client", &m(done.client)),
                ],
            ));
        }
        EscrowCommand::Withdraw { id, json } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            service::escrow::withdraw(&db, &actor, &origin, id, None)
                .await
                .or_cli(locale)?;
            if json {
                return print_detail(&db, id, locale).await;
            }
            output::say(&tr(
                locale,
                "cli_escrow.withdrawn",
                &[("id", &id.to_string())],
            ));
        }
        EscrowCommand::AutoRelease { json } => {
            let (db, actor) = session::open_as(config, locale, as_email).await?;
            let done = service::escrow::auto_release(&db, &actor, &origin)
                .await
                .or_cli(locale)?;
            if json {
                output::print_list(
                    done.iter()
                        .map(|(id, amount)| json!({"id": id, "released": amount}))
                        .collect(),
                );
                return Ok(());
            }
            output::say(&tr(
                locale,
                "cli_escrow.auto_released",
                &[("n", &done.len().to_string())],
            ));
        }
    }
    Ok(())
}

/// Above the dual-approval threshold the decision waits for a second finance member.
fn first_approval(id: i64, locale: Locale) -> Result<(), CliError> {
    output::say(&tr(
        locale,
        "cli_escrow.first_approval",
        &[("id", &id.to_string())],
    ));
    Ok(())
}

async fn print_detail(db: &store::Db, id: i64, locale: Locale) -> Result<(), CliError> {
    output::print_json(&detail_json(&detail(db, id, locale).await?));
    Ok(())
}

/// "60", "62.5", "62,5" (percent) → basis points.
fn percent_bps(text: &str, locale: Locale) -> Result<i64, CliError> {
    let t = text.trim().trim_end_matches('%').trim().replace(',', ".");
    let value: Option<i64> = match t.split_once('.') {
        None => t.parse::<i64>().ok().map(|p| p * 100),
        Some((i, f)) if f.len() <= 2 && f.chars().all(|c| c.is_ascii_digit()) => {
            let frac = format!("{f:0<2}").parse::<i64>().ok();
            i.parse::<i64>().ok().zip(frac).map(|(i, f)| i * 100 + f)
        }
        _ => None,
    };
    match value {
        Some(bps) if (0..=10_000).contains(&bps) => Ok(bps),
        _ => Err(CliError::failed(tr(
            locale,
            "cli_escrow.bad_percent",
            &[("value", text)],
        ))),
    }
}

pub async fn ledger(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: LedgerCommand,
) -> Result<(), CliError> {
    let LedgerCommand::Verify { json } = cmd;
    let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
    let mut c = db.clone();
    let report: Verification = crate::office::escrow::verify(&mut c).await.or_cli(locale)?;
    if json {
        output::print_json(&json!({
            "holds": report.holds(),
            "checks": report.checks,
            "discrepancies": report.discrepancies,
        }));
    } else {
        for check in &report.checks {
            let failed = report
                .discrepancies
                .iter()
                .filter(|d| d.check == *check)
                .count();
            let mark = if failed == 0 { "✓" } else { "✕" };
            let n = failed.to_string();
            let count = plural(locale, "ledger_view.discrepancies", failed, &[("n", &n)]);
            println!("{mark} {} — {count}", words::check(check, locale));
        }
        for d in &report.discrepancies {
            println!(
                "  {} · {} · {}",
                words::check(d.check, locale),
                crate::domain::sanitize_line(&d.subject),
                d.detail
            );
        }
    }
    if report.holds() {
        Ok(())
    } else {
        let failed: Vec<String> = report
            .checks
            .iter()
            .filter(|c| report.discrepancies.iter().any(|d| d.check == **c))
            .map(|c| words::check(c, locale))
            .collect();
        Err(CliError::refused(tr(
            locale,
            "cli_escrow.verify_failed",
            &[("checks", &failed.join(", "))],
        )))
    }
}
