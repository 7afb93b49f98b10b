//! `obryl referral code list|show|create|disable`: the codes clients and developers hand out.
//! Reading needs a staff role; creating and disabling need `referrals.manage`. `referral list`
//! and `referral check` (the referrals and their fraud flags) are in `referral_flags.rs`.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use crate::config::Config;
use crate::domain::{Currency, Locale, UseCase, format_rate, parse_amount};
use crate::office::referral_codes::{CodeState, caps_text};
use crate::service::referrals::{self, Caps, NewCode};
use crate::store::referrals::{CodeRow, ReferredRow};
use crate::tr;

use super::output::{self, quote};
use super::{CliError, OrCli, session};

#[derive(Debug, Subcommand)]
pub enum ReferralCommand {
    /// Referral codes: list, show, create, disable.
    #[command(subcommand)]
    Code(CodeCommand),
    /// Rewards earned on referred parties' paid commissions: list, approve, reject.
    #[command(subcommand)]
    Reward(super::referral_rewards::RewardCommand),
    /// Referrals newest first: referrer, the person brought, code, sign-up time, fraud flags
    /// with their evidence.
    List {
        /// Only referrals with fraud flags.
        #[arg(long)]
        flagged: bool,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Compute the fraud flags of the referrals never checked (referrals.manage).
    Check {
        /// Recompute every referral's flags, checked or not.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CodeCommand {
    /// The newest codes, with their owner, rate, uses and state.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// One code, its link and the people it brought.
    Show {
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// A code for a client or developer (referrals.manage).
    Create {
        /// The client or developer who hands it out.
        #[arg(long, value_name = "EMAIL")]
        owner: String,
        /// Letters, digits and hyphens (random when left out).
        #[arg(long)]
        code: Option<String>,
        /// Basis points of the platform's commission (default: the program's rate).
        #[arg(long, value_name = "BPS")]
        rate_bps: Option<i64>,
        #[arg(long)]
        max_uses: Option<i64>,
        /// Last day it works (YYYY-MM-DD, UTC) or an RFC 3339 time.
        #[arg(long, value_parser = super::args::anchor)]
        expires: Option<DateTime<Utc>>,
        /// Caps in one currency: CURRENCY:PER_REWARD/PER_REFERRAL, either side may be empty
        /// (`XOF:20000/50000`, `EUR:/150`); repeat for other currencies.
        #[arg(long = "cap", value_name = "CAPS")]
        caps: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Stop a code bringing sign-ups (referrals.manage); what it brought stays.
    Disable {
        code: String,
        #[arg(long)]
        json: bool,
    },
}

/// `XOF:20000/50000` → (XOF, caps), amounts as people write them in that currency.
fn parse_caps(text: &str, locale: Locale) -> Result<(Currency, Caps), CliError> {
    let bad = || CliError::failed(tr(locale, "cli_referral.bad_cap", &[("value", text)]));
    let (currency, amounts) = text.split_once(':').ok_or_else(bad)?;
    let currency = Currency::parse(currency.trim()).map_err(|_| bad())?;
    let (reward, referral) = amounts.split_once('/').unwrap_or((amounts, ""));
    let amount = |s: &str| -> Result<Option<i64>, CliError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        parse_amount(s, currency)
            .map(Some)
            .map_err(|e| CliError::failed(e.to_string()))
    };
    Ok((
        currency,
        Caps {
            per_reward: amount(reward)?,
            per_referral: amount(referral)?,
        },
    ))
}

fn as_json(row: &CodeRow, link: &str, now: DateTime<Utc>) -> serde_json::Value {
    serde_json::json!({
        "id": row.id, "code": row.code, "link": link,
        "owner_id": row.user_id, "owner": row.owner_name, "owner_email": row.owner_email,
        "reward_rate_bps": row.reward_rate_bps, "caps": row.reward_caps,
        "max_uses": row.max_uses, "uses": row.uses, "referred": row.referred,
        "expires_at": output::time(row.expires_at),
        "disabled_at": output::time(row.disabled_at), "disabled_by_id": row.disabled_by,
        "created_by_id": row.created_by, "created_at": output::time(row.created_at),
        "state": CodeState::of(row, now).code(), "flagged": row.flagged,
    })
}

fn referred_json(r: &ReferredRow) -> serde_json::Value {
    serde_json::json!({
        "id": r.id, "user_id": r.referred_user_id, "name": r.referred_name,
        "email": r.referred_email, "created_at": output::time(r.created_at),
        "flags": crate::office::referral_flags::of(r.flags.as_ref()),
    })
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: ReferralCommand,
) -> Result<(), CliError> {
    let cmd = match cmd {
        ReferralCommand::Code(cmd) => cmd,
        ReferralCommand::Reward(cmd) => {
            return super::referral_rewards::run(config, locale, as_email, cmd).await;
        }
        ReferralCommand::List {
            flagged,
            limit,
            json,
        } => {
            return super::referral_flags::list(config, locale, as_email, flagged, limit, json)
                .await;
        }
        ReferralCommand::Check { all, json } => {
            return super::referral_flags::check(config, locale, as_email, all, json).await;
        }
    };
    let now = Utc::now();
    let link = |code: &str| referrals::link(&config.referrals.signup_url, code);
    match cmd {
        CodeCommand::List { limit, json } => {
            let (db, actor) =
                session::open_for(config, locale, as_email, UseCase::DataRead).await?;
            let rows = referrals::codes(&db, &actor, limit.clamp(1, 1000))
                .await
                .or_cli(locale)?;
            if json {
                output::print_list(
                    rows.iter()
                        .map(|r| as_json(r, &link(&r.code), now))
                        .collect(),
                );
                return Ok(());
            }
            let t = |k: &str| tr(locale, &format!("cli_referral.col.{k}"), &[]);
            let header = ["code", "owner", "rate", "caps", "uses", "referred", "state"].map(t);
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let uses = match r.max_uses {
                        Some(max) => format!("{}/{max}", r.uses),
                        None => r.uses.to_string(),
                    };
                    vec![
                        r.code.clone(),
                        quote(&r.owner_name),
                        format_rate(r.reward_rate_bps, locale),
                        caps_text(r.reward_caps.as_ref(), locale),
                        uses,
                        r.referred.to_string(),
                        CodeState::of(r, now).words(locale),
                    ]
                })
                .collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            output::table(&header, &table, &[2, 4, 5]);
        }
        CodeCommand::Show { code, json } => {
            let (db, actor) =
                session::open_for(config, locale, as_email, UseCase::DataRead).await?;
            let (row, referred) = referrals::code(&db, &actor, &code).await.or_cli(locale)?;
            if json {
                let mut value = as_json(&row, &link(&row.code), now);
                value["referred_users"] = referred.iter().map(referred_json).collect();
                output::print_json(&value);
                return Ok(());
            }
            let args = [
                ("code", row.code.clone()),
                ("owner", quote(&row.owner_name)),
                ("rate", format_rate(row.reward_rate_bps, locale)),
                ("caps", caps_text(row.reward_caps.as_ref(), locale)),
                ("state", CodeState::of(&row, now).words(locale)),
                ("link", link(&row.code)),
                ("n", row.referred.to_string()),
            ];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            output::say(&tr(locale, "cli_referral.show", &args));
            for r in &referred {
                let at = r
                    .created_at
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                output::say(&format!(
                    "  {at}  {}  {}",
                    quote(&r.referred_name),
                    r.referred_email
                ));
            }
        }
        CodeCommand::Create {
            owner,
            code,
            rate_bps,
            max_uses,
            expires,
            caps,
            json,
        } => {
            let caps = caps
                .iter()
                .map(|c| parse_caps(c, locale))
                .collect::<Result<Vec<_>, _>>()?;
            let (db, actor) =
                session::open_for(config, locale, as_email, UseCase::ReferralCodeManage).await?;
            let new = NewCode {
                owner_email: owner,
                code,
                rate_bps,
                max_uses,
                expires_at: expires,
                caps,
            };
            let origin = crate::service::Origin::cli();
            let row = referrals::create_code(&db, &actor, &origin, &new)
                .await
                .or_cli(locale)?;
            if json {
                output::print_json(&as_json(&row, &link(&row.code), now));
            } else {
                let args = [("code", row.code.as_str()), ("link", &link(&row.code))];
                output::say(&tr(locale, "cli_referral.created", &args));
            }
        }
        CodeCommand::Disable { code, json } => {
            let (db, actor) =
                session::open_for(config, locale, as_email, UseCase::ReferralCodeManage).await?;
            let origin = crate::service::Origin::cli();
            let changed = referrals::disable_code(&db, &actor, &origin, &code)
                .await
                .or_cli(locale)?;
            let (row, _) = referrals::code(&db, &actor, &code).await.or_cli(locale)?;
            if json {
                output::print_json(&as_json(&row, &link(&row.code), now));
            } else {
                let key = if changed {
                    "cli_referral.disabled_now"
                } else {
                    "cli_referral.already_disabled"
                };
                output::say(&tr(locale, key, &[("code", &row.code)]));
            }
        }
    }
    Ok(())
}
