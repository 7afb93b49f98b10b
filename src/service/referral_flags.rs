//! Fraud flags on referrals: the signals of `domain::referral::signals`, computed from what the
//! database knows of the two parties (e-mail, phone, payout account, sign-up time), the
//! projects between them and the code's uses that day, and stored on the referral with their
//! evidence and the time of the check (`referrals.flags`, `flags_checked_at`).
//!
//! The platform (Laravel) records referrals at sign-up, so the back-office computes the flags
//! of referrals it did not write: [`check`] (`obryl referral check`, and the worker each cycle)
//! takes the referrals never checked, or all of them; [`compute`] is the one computation, run
//! inside the caller's transaction, for any code that records a referral itself. A project
//! assignment that makes the two hire each other recomputes their referral in the assignment's
//! transaction ([`on_hire`]); a project the platform assigns is caught by `check --all`.
//!
//! `users` records no sign-up address, so the same-address signal never fires here: the rule
//! and its setting are kept for the day the platform records one.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value as JsonValue, json};

use crate::domain::referral::{FraudRules, Party, Signal, signals};
use crate::domain::{UseCase, mask_account, sanitize_line, truncate_to_width};
use crate::store::referral_flags::{self as stored, Checked, Known};
use crate::store::{self, Conn, Db, Tx};

use super::bootstrap::keys;
use super::record::{Change, Diff, record};
use super::{Actor, Origin, Result, access};

/// Widest evidence kept (columns of text).
const EVIDENCE_WIDTH: usize = 120;

/// Referrals read per batch by [`check`].
const BATCH: u64 = 200;

/// The fraud rules in force (`referrals.same_address_minutes`, `referrals.burst_per_day`).
pub async fn rules(c: &mut impl Conn) -> Result<FraudRules> {
    Ok(FraudRules {
        same_address_minutes: setting(c, keys::REFERRAL_SAME_ADDRESS_MINUTES, 30).await?,
        burst_per_day: setting(c, keys::REFERRAL_BURST_PER_DAY, 10).await?,
    })
}

async fn setting(c: &mut impl Conn, name: &str, default: i64) -> Result<i64> {
    let row = store::settings::get(c, keys::REFERRALS, name).await?;
    Ok(row.and_then(|r| r.payload.as_i64()).unwrap_or(default))
}

fn party(k: &Known) -> Party {
    Party {
        user_id: k.id,
        email: k.email.clone(),
        phone: k.phone.clone(),
        payout_account: k.payout_account.clone(),
        signed_up_at: k.created_at,
        // Not recorded by the platform (see the module's note).
        signup_address: None,
    }
}

fn text(s: &str) -> String {
    truncate_to_width(&sanitize_line(s.trim()), EVIDENCE_WIDTH)
}

/// The signals as stored: `{"code", "evidence"}` (sanitised text; payout accounts masked, as
/// staff who do not pay out see them), with the numbers a reader words them from. The
/// evidence shows the referrer's value as entered, not its normalised form.
pub fn stored_flags(found: &[Signal], referrer: &Party, day: Option<NaiveDate>) -> JsonValue {
    let flags: Vec<JsonValue> = found
        .iter()
        .map(|s| {
            let code = s.code();
            match s {
                Signal::SharedPhone(phone) => {
                    let shown = referrer.phone.as_deref().unwrap_or(phone);
                    json!({"code": code, "evidence": text(shown)})
                }
                Signal::SharedPayoutAccount(account) => {
                    let shown = referrer.payout_account.as_deref().unwrap_or(account);
                    json!({"code": code, "evidence": text(&mask_account(shown))})
                }
                Signal::SharedEmailDomain(domain) => {
                    json!({"code": code, "evidence": text(domain)})
                }
                Signal::SameAddress { address, minutes } => json!({
                    "code": code,
                    "evidence": text(&format!("{address} ({minutes} min)")),
                    "minutes": minutes,
                }),
                Signal::HiredEachOther(project) => json!({
                    "code": code, "evidence": format!("#{project}"), "project_id": project,
                }),
                Signal::CodeBurst { uses } => {
                    let day = day.map(|d| d.to_string()).unwrap_or_default();
                    json!({
                        "code": code, "evidence": format!("{day}: {uses}"),
                        "uses": uses, "day": day,
                    })
                }
            }
        })
        .collect();
    JsonValue::Array(flags)
}

/// The signals of `referral` from what the database holds now, as stored.
pub async fn compute(
    c: &mut impl Conn,
    referral: &Checked,
    rules: &FraudRules,
) -> Result<JsonValue> {
    let (Some(referrer), Some(referred)) = (
        stored::known(c, referral.referrer_id).await?,
        stored::known(c, referral.referred_user_id).await?,
    ) else {
        return Ok(json!([]));
    };
    let (referrer, referred) = (party(&referrer), party(&referred));
    let projects = stored::projects_between(c, referrer.user_id, referred.user_id).await?;
    // The code's uses on the sign-up's day (UTC), this one included; unknown without a time.
    let day = referral.created_at.map(|t| t.date_naive());
    let uses = match day {
        Some(d) => {
            let from: DateTime<Utc> = d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            stored::uses_between(c, referral.referral_code_id, from, from + Duration::days(1))
                .await?
        }
        None => 0,
    };
    let found = signals(&referrer, &referred, &projects, uses, rules);
    Ok(stored_flags(&found, &referrer, day))
}

/// What a check did to one referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Checked meanwhile by someone else (only-unchecked runs).
    Skipped,
    Checked {
        flagged: bool,
        changed: bool,
    },
}

fn flagged(flags: &JsonValue) -> bool {
    flags.as_array().is_some_and(|a| !a.is_empty())
}

/// What a referral held before: a missing or malformed value counts as none.
fn before(r: &Checked) -> JsonValue {
    r.flags
        .clone()
        .filter(JsonValue::is_array)
        .unwrap_or_else(|| json!([]))
}

/// The audit row of a referral whose flags changed.
fn change(r: &Checked, new: &JsonValue) -> Change<'static> {
    Change {
        event: if flagged(new) { "flagged" } else { "unflagged" },
        subject_type: "referral",
        subject_id: r.id,
        diff: Diff::new().field("flags", before(r), new.clone()),
        notices: Vec::new(),
        webhook: None,
    }
}

/// Inside `tx`: recomputes referral `id`, stores it with the time of the check, and records
/// the change when the flags changed (the audit row is written, not committed).
async fn refresh(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    rules: &FraudRules,
    only_unchecked: bool,
) -> Result<Outcome> {
    // Two checks of one referral take turns (SQLite serialises writers anyway).
    store::referral_rewards::lock_referral(tx, id).await?;
    let Some(r) = stored::get(tx, id).await? else {
        return Ok(Outcome::Skipped);
    };
    if only_unchecked && r.flags_checked_at.is_some() {
        return Ok(Outcome::Skipped);
    }
    let new = compute(tx, &r, rules).await?;
    let changed = new != before(&r);
    stored::store(tx, id, changed.then_some(&new), super::now()).await?;
    if changed {
        record(tx, Some(actor), origin, change(&r, &new)).await?;
    }
    Ok(Outcome::Checked {
        flagged: flagged(&new),
        changed,
    })
}

/// What [`check`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Referrals whose signals were computed.
    pub checked: u64,
    /// Of those, the ones that have signals.
    pub flagged: u64,
    /// Of those checked, the ones whose signals changed (one audit row each).
    pub changed: u64,
}

/// Computes the signals of the referrals never checked (all of them with `all`), one
/// transaction per referral (`referrals.manage`, re-read in each); a referral whose signals
/// changed gets one audit row. Idempotent: a second run changes nothing.
pub async fn check(db: &Db, actor: &Actor, origin: &Origin, all: bool) -> Result<Report> {
    access::authorize(db, actor, UseCase::ReferralCheck).await?;
    let rules = rules(&mut db.clone()).await?;
    let mut report = Report::default();
    let mut after = 0;
    loop {
        let ids = stored::ids_after(&mut db.clone(), after, !all, BATCH).await?;
        let Some(last) = ids.last() else { break };
        after = *last;
        for id in ids {
            let (mut tx, actor) = access::begin(db, actor, UseCase::ReferralCheck).await?;
            match refresh(&mut tx, &actor, origin, id, &rules, !all).await? {
                Outcome::Skipped => {}
                Outcome::Checked { flagged, changed } => {
                    report.checked += 1;
                    report.flagged += u64::from(flagged);
                    report.changed += u64::from(changed);
                }
            }
            tx.commit().await?;
        }
    }
    Ok(report)
}

/// Inside an assignment's transaction: `client` hired `developer`, so a referral between the
/// two is recomputed (audited as the assigner's change when its flags change).
pub(crate) async fn on_hire(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    client: i64,
    developer: i64,
) -> Result<()> {
    let ids = stored::between(tx, client, developer).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let rules = rules(tx).await?;
    for id in ids {
        refresh(tx, actor, origin, id, &rules, false).await?;
    }
    Ok(())
}

/// Referrals newest first, only the flagged ones when `flagged` (any staff member).
pub async fn list(
    db: &Db,
    actor: &Actor,
    flagged: bool,
    limit: u64,
) -> Result<Vec<stored::ReferralRow>> {
    access::authorize(db, actor, UseCase::DataRead).await?;
    Ok(stored::list(&mut db.clone(), flagged, limit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_the_referrers_value_sanitised_and_accounts_masked() {
        let referrer = Party {
            user_id: 1,
            email: "awa@cabinet-diop.sn".into(),
            phone: Some("+221 77 100 21 84\u{1b}[2J".into()),
            payout_account: Some("SN08 SN01 0015 2000 0253".into()),
            ..Party::default()
        };
        let found = [
            Signal::SharedPhone("+221771002184".into()),
            Signal::SharedPayoutAccount("sn08sn01001520000253".into()),
            Signal::HiredEachOther(42),
            Signal::CodeBurst { uses: 11 },
        ];
        let day = NaiveDate::from_ymd_opt(2026, 3, 1);
        let flags = stored_flags(&found, &referrer, day);
        let evidence: Vec<&str> = flags
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["evidence"].as_str().unwrap())
            .collect();
        assert!(!evidence[0].contains('\u{1b}'), "{evidence:?}");
        assert!(evidence[0].starts_with("+221 77 100 21 84"), "{evidence:?}");
        assert!(evidence[1].ends_with("0253") && !evidence[1].contains("SN08"));
        assert_eq!(evidence[2], "#42");
        assert_eq!(evidence[3], "2026-03-01: 11");
        assert_eq!(flags[3]["uses"], 11);
        assert_eq!(flags[2]["project_id"], 42);
    }
}
