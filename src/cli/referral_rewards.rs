//! `obryl referral reward list [--status S]|approve ID [ID …]|reject ID --reason TEXT`: what
//! referrers earned on the commissions of the people they brought (any staff member may read
//! them; deciding needs `referrals.manage`, two approvers above the threshold and for a
//! flagged referral). Several rewards are approved each on its own: one result per id, exit 1
//! when any was refused.

use chrono::Utc;
use clap::Subcommand;

use crate::config::Config;
use crate::domain::{Currency, Locale, UseCase, format_money};
use crate::office::reward_approvals;
use crate::service::referral_bulk::{self, Outcome};
use crate::service::referral_decisions::{self, Approval};
use crate::service::referral_rewards;
use crate::store::referral_rewards::RewardRow;
use crate::tr;

use super::output::{self, quote};
use super::{CliError, OrCli, session};

#[derive(Debug, Subcommand)]
pub enum RewardCommand {
    /// Rewards newest first: held (in their hold), pending approval, approved, paid…
    List {
        #[arg(long, default_value = "all", value_parser = [
            "all", "held", "pending", "approved", "rejected", "paid", "cancelled", "clawed_back",
        ])]
        status: String,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Approve rewards whose hold has passed, each on its own (referrals.manage).
    Approve {
        #[arg(value_name = "ID", required = true, num_args = 1..)]
        ids: Vec<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Reject a held or pending reward, with the reason (referrals.manage).
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

fn as_json(r: &RewardRow) -> serde_json::Value {
    serde_json::json!({
        "id": r.id, "referral_id": r.referral_id, "commission_id": r.commission_id,
        "amount": r.amount, "currency": r.currency, "status": r.status,
        "due_at": output::time(r.due_at), "created_at": output::time(r.created_at),
        "referrer_id": r.referrer_id, "referrer": r.referrer_name,
        "referred_user_id": r.referred_user_id, "referred": r.referred_name,
        "flags": r.flags.clone().unwrap_or_else(|| serde_json::json!([])),
    })
}

fn amount(r: &RewardRow, locale: Locale) -> String {
    match Currency::parse(&r.currency) {
        Ok(c) => format_money(r.amount, c, locale),
        Err(_) => format!("{} {}", r.amount, r.currency),
    }
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: RewardCommand,
) -> Result<(), CliError> {
    let (status, limit, json) = match cmd {
        RewardCommand::List {
            status,
            limit,
            json,
        } => (status, limit, json),
        RewardCommand::Approve { ids, json } if ids.len() == 1 => {
            return decide(config, locale, as_email, ids[0], None, json).await;
        }
        RewardCommand::Approve { ids, json } => {
            return approve_many(config, locale, as_email, &ids, json).await;
        }
        RewardCommand::Reject { id, reason, json } => {
            return decide(config, locale, as_email, id, Some(reason), json).await;
        }
    };
    let status = (status != "all").then_some(status);
    let (db, actor) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
    let rows = referral_rewards::list(&db, &actor, status.as_deref(), limit.clamp(1, 1000))
        .await
        .or_cli(locale)?;
    if json {
        output::print_list(rows.iter().map(as_json).collect());
        return Ok(());
    }
    let t = |k: &str| tr(locale, &format!("cli_referral.col.{k}"), &[]);
    let header = [
        "id",
        "referrer",
        "referred",
        "commission",
        "amount",
        "status",
        "due",
    ]
    .map(t);
    let now = Utc::now();
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let due = match r.due_at {
                Some(d) if r.status == "held" && d > now => d.format("%Y-%m-%d").to_string(),
                _ => String::new(),
            };
            vec![
                r.id.to_string(),
                quote(&r.referrer_name),
                quote(&r.referred_name),
                format!("#{}", r.commission_id),
                amount(r, locale),
                tr(locale, &format!("referral_reward.status.{}", r.status), &[]),
                due,
            ]
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    output::table(&header, &table, &[0, 3, 4]);
    Ok(())
}

/// Approves or rejects one reward, then says what became of it.
async fn decide(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    id: i64,
    reject: Option<String>,
    json: bool,
) -> Result<(), CliError> {
    let (db, actor) =
        session::open_for(config, locale, as_email, UseCase::ReferralRewardDecide).await?;
    let origin = crate::service::Origin::cli();
    let id_text = id.to_string();
    let (outcome, said) = match reject {
        Some(reason) => {
            referral_decisions::reject(&db, &actor, &origin, id, &reason)
                .await
                .or_cli(locale)?;
            let said = tr(locale, "cli_referral.reward_rejected", &[("id", &id_text)]);
            (serde_json::json!({"outcome": "rejected"}), said)
        }
        None => match referral_decisions::approve(&db, &actor, &origin, id)
            .await
            .or_cli(locale)?
        {
            Approval::Approved => (
                serde_json::json!({"outcome": "approved"}),
                tr(locale, "cli_referral.reward_approved", &[("id", &id_text)]),
            ),
            Approval::FirstOfTwo(why) => {
                let (code, why) = (
                    crate::office::reward_approvals::second_code(&why),
                    crate::office::reward_approvals::second_text(&why, locale),
                );
                (
                    serde_json::json!({"outcome": "first_of_two", "why": code}),
                    tr(
                        locale,
                        "cli_referral.reward_first_of_two",
                        &[("id", &id_text), ("why", &why)],
                    ),
                )
            }
        },
    };
    if json {
        let mut value = outcome;
        value["id"] = id.into();
        output::print_json(&value);
    } else {
        output::say(&said);
    }
    Ok(())
}

/// One id's result for scripts: `approved`, `first_of_two` with why, or `refused` with the
/// error's code and message.
fn outcome_json(id: i64, outcome: &Outcome, locale: Locale) -> serde_json::Value {
    match outcome {
        Outcome::Approved => serde_json::json!({"id": id, "outcome": "approved"}),
        Outcome::FirstOfTwo(why) => serde_json::json!({
            "id": id, "outcome": "first_of_two", "why": reward_approvals::second_code(why),
        }),
        Outcome::Refused(e) => serde_json::json!({
            "id": id, "outcome": "refused", "code": e.code(),
            "message": crate::office::messages::error_text(e, locale),
        }),
    }
}

/// Approves several rewards, each in its own transaction, and says what became of each; exits
/// 1 (2 for a database failure) with the summary when any was not approved.
async fn approve_many(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    ids: &[i64],
    json: bool,
) -> Result<(), CliError> {
    let (db, actor) =
        session::open_for(config, locale, as_email, UseCase::ReferralRewardDecide).await?;
    let origin = crate::service::Origin::cli();
    let report = referral_bulk::approve_many(&db, &actor, &origin, ids)
        .await
        .or_cli(locale)?;
    if json {
        output::print_list(
            report
                .results
                .iter()
                .map(|(id, o)| outcome_json(*id, o, locale))
                .collect(),
        );
    } else {
        for (id, o) in &report.results {
            output::say(&reward_approvals::outcome_text(*id, o, locale));
        }
    }
    if report.refused().next().is_none() {
        return Ok(());
    }
    let summary = reward_approvals::summary(&report, locale);
    Err(if report.refused().all(|(_, e)| e.is_refusal()) {
        CliError::refused(summary)
    } else {
        CliError::failed(summary)
    })
}
