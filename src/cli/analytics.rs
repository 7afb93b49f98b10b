//! `obryl analytics`: the dashboard's figures per month and currency, referred revenue and
//! referral rewards included (permission
//! `analytics.view`), `analytics rebuild` (the rollup recomputed from the source tables) and
//! `analytics report` (a self-contained HTML report).

use std::path::PathBuf;

use chrono::Utc;
use clap::{Args, Subcommand};
use serde_json::json;

use crate::config::Config;
use crate::domain::{Currency, Locale, UseCase};
use crate::office::analytics::{self, MonthRow, YearMonth};
use crate::office::format::{money, span};
use crate::service::{self, Origin};
use crate::tr;

use super::output::{self, or_dash};
use super::{CliError, OrCli, session};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AnalyticsArgs {
    #[command(subcommand)]
    pub command: Option<AnalyticsCommand>,
    /// First month shown, YYYY-MM (default: 11 months before --to).
    #[arg(long, value_name = "YYYY-MM", value_parser = YearMonth::parse)]
    pub from: Option<YearMonth>,
    /// Last month shown, YYYY-MM (default: this month).
    #[arg(long, value_name = "YYYY-MM", value_parser = YearMonth::parse)]
    pub to: Option<YearMonth>,
    /// One currency (default: every currency with money in the range, one row each).
    #[arg(long, value_parser = currency)]
    pub currency: Option<Currency>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AnalyticsCommand {
    /// Recompute the daily rollup from the source tables (idempotent).
    Rebuild {
        #[arg(long)]
        json: bool,
    },
    /// Write a self-contained HTML report: the 12 months ending --month, a section per
    /// currency.
    Report {
        #[arg(long, value_name = "YYYY-MM", value_parser = YearMonth::parse)]
        month: YearMonth,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

fn currency(text: &str) -> Result<Currency, String> {
    Currency::parse(text).map_err(|_| {
        let known: Vec<&str> = Currency::ALL.iter().map(|c| c.code()).collect();
        format!("expected one of {}", known.join(", "))
    })
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    args: AnalyticsArgs,
) -> Result<(), CliError> {
    match args.command {
        Some(AnalyticsCommand::Rebuild { json }) => rebuild(config, locale, as_email, json).await,
        Some(AnalyticsCommand::Report { month, out }) => {
            report(config, locale, as_email, month, &out).await
        }
        None => {
            let to = args.to.unwrap_or_else(|| YearMonth::of(Utc::now()));
            let from = args.from.unwrap_or(to.plus(-11));
            show(config, locale, as_email, from, to, args.currency, args.json).await
        }
    }
}

async fn show(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    from: YearMonth,
    to: YearMonth,
    currency: Option<Currency>,
    json: bool,
) -> Result<(), CliError> {
    let (db, _) = session::open_for(config, locale, as_email, UseCase::AnalyticsRead).await?;
    let rows = analytics::months(&mut db.clone(), from, to, currency)
        .await
        .or_cli(locale)?;
    if json {
        output::print_json(&json!({ "months": rows }));
        return Ok(());
    }
    let header: Vec<String> = [
        "month",
        "currency",
        "collected",
        "growth",
        "released",
        "commission",
        "refunded",
        "referred",
        "rewards",
        "projects",
        "tickets",
        "sla",
        "median",
    ]
    .iter()
    .map(|k| tr(locale, &format!("cli_analytics.col.{k}"), &[]))
    .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let table: Vec<Vec<String>> = rows.iter().map(|r| line(r, locale)).collect();
    output::table(&header, &table, &[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    Ok(())
}

/// "12.5 %" / "12,5 %": a percentage with the language's decimal separator.
fn pct(v: Option<f64>, locale: Locale) -> String {
    or_dash(v.map(|v| format!("{} %", crate::office::format::decimal(v, locale))))
}

fn line(r: &MonthRow, locale: Locale) -> Vec<String> {
    let m = |v: i64| money(v, &r.currency, locale);
    vec![
        r.month.to_string(),
        r.currency.clone(),
        m(r.collected),
        pct(r.collected_growth, locale),
        m(r.released),
        m(r.commission),
        m(r.refunded),
        m(r.referred_revenue),
        m(r.referral_rewards),
        format!(
            "+{} ✓{} ✕{}",
            r.projects_created, r.projects_completed, r.projects_cancelled
        ),
        format!("+{} ✓{}", r.tickets_opened, r.tickets_solved),
        format!(
            "{} / {}",
            pct(r.sla.first_response_sla, locale),
            pct(r.sla.resolution_sla, locale)
        ),
        or_dash(r.sla.median_first_response_seconds.map(|s| span(s, locale))),
    ]
}

async fn rebuild(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    let (db, actor) = session::open_as(config, locale, as_email).await?;
    let started = std::time::Instant::now();
    let rows = service::analytics::rebuild(&db, &actor, &Origin::cli())
        .await
        .or_cli(locale)?;
    let ms = started.elapsed().as_millis();
    if json {
        output::print_json(&json!({ "rows": rows, "elapsed_ms": ms }));
    } else {
        output::say(&tr(
            locale,
            "cli_analytics.rebuilt",
            &[("rows", &rows.to_string()), ("ms", &ms.to_string())],
        ));
    }
    Ok(())
}

async fn report(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    month: YearMonth,
    out: &std::path::Path,
) -> Result<(), CliError> {
    let (db, _) = session::open_for(config, locale, as_email, UseCase::AnalyticsRead).await?;
    let rows = analytics::months(&mut db.clone(), month.plus(-11), month, None)
        .await
        .or_cli(locale)?;
    let html = crate::office::analytics_report::html(&rows, month, locale);
    std::fs::write(out, html).map_err(|e| {
        CliError::failed(tr(
            locale,
            "cli_analytics.write_failed",
            &[
                ("path", &out.display().to_string()),
                ("reason", &e.to_string()),
            ],
        ))
    })?;
    output::say(&tr(
        locale,
        "cli_analytics.written",
        &[("path", &out.display().to_string())],
    ));
    Ok(())
}
