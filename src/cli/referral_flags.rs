//! `obryl referral list [--flagged]` (who brought whom, with which code and when, and the fraud
//! flags with their evidence; any staff member) and `obryl referral check [--all]` (computes
//! the flags of the referrals never checked, or of all; `referrals.manage`, audited).

use crate::config::Config;
use crate::domain::{Locale, UseCase};
use crate::office::referral_flags;
use crate::service::referral_flags::{self as flags, Report};
use crate::store::referral_flags::ReferralRow;
use crate::tr;

use super::output::{self, quote};
use super::{CliError, OrCli, session};

fn as_json(r: &ReferralRow) -> serde_json::Value {
    serde_json::json!({
        "id": r.id, "code": r.code,
        "referrer_id": r.referrer_id, "referrer": r.referrer_name,
        "referrer_email": r.referrer_email,
        "referred_user_id": r.referred_user_id, "referred": r.referred_name,
        "referred_email": r.referred_email,
        "created_at": output::time(r.created_at),
        "flags": referral_flags::of(r.flags.as_ref()),
        "flags_checked_at": output::time(r.flags_checked_at),
    })
}

pub(super) async fn list(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    flagged: bool,
    limit: u64,
    json: bool,
) -> Result<(), CliError> {
    let (db, actor) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
    let rows = flags::list(&db, &actor, flagged, limit.clamp(1, 1000))
        .await
        .or_cli(locale)?;
    if json {
        output::print_list(rows.iter().map(as_json).collect());
        return Ok(());
    }
    if rows.is_empty() {
        let key = if flagged {
            "cli_referral.none_flagged"
        } else {
            "cli_referral.none"
        };
        output::say(&tr(locale, key, &[]));
        return Ok(());
    }
    let t = |k: &str| tr(locale, &format!("cli_referral.col.{k}"), &[]);
    let header = ["id", "referrer", "referred", "code", "signed_up", "flags"].map(t);
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let n = referral_flags::of(r.flags.as_ref()).len();
            let mark = if n > 0 {
                format!("{} {n}", referral_flags::MARK)
            } else {
                String::new()
            };
            vec![
                r.id.to_string(),
                quote(&r.referrer_name),
                quote(&r.referred_name),
                r.code.clone(),
                r.created_at
                    .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
                mark,
            ]
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    output::table(&header, &table, &[0]);
    // Each flag with its evidence, under the table, by referral.
    for r in &rows {
        for f in referral_flags::of(r.flags.as_ref()) {
            let line = referral_flags::line(f, locale);
            output::say(&quote(&format!(
                "#{} {} {line}",
                r.id,
                referral_flags::MARK
            )));
        }
    }
    Ok(())
}

pub(super) async fn check(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    all: bool,
    json: bool,
) -> Result<(), CliError> {
    let (db, actor) = session::open_for(config, locale, as_email, UseCase::ReferralCheck).await?;
    let origin = crate::service::Origin::cli();
    let Report {
        checked,
        flagged,
        changed,
    } = flags::check(&db, &actor, &origin, all)
        .await
        .or_cli(locale)?;
    if json {
        output::print_json(&serde_json::json!({
            "checked": checked, "flagged": flagged, "changed": changed,
        }));
    } else {
        let n = |v: u64| v.to_string();
        output::say(&tr(
            locale,
            "cli_referral.checked",
            &[
                ("checked", &n(checked)),
                ("flagged", &n(flagged)),
                ("changed", &n(changed)),
            ],
        ));
    }
    Ok(())
}
