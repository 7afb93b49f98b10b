//! Deciding referral rewards (`referrals.manage`): approve once its hold has passed, with a
//! second, different approver above the currency's dual-approval threshold and for every
//! reward of a flagged referral (the first approval says why); reject with a reason. Audited.

use serde_json::{Value as JsonValue, json};

use crate::domain::UseCase;
use crate::store::referral_rewards::{self as stored, Decided};
use crate::store::{Db, Tx};

use super::record::{Change, Diff, record_and_commit};
use super::{Actor, FourEyes, Origin, Result, Said, ServiceError, access, settings};

/// Longest rejection reason kept (bytes).
pub const REASON_MAX_BYTES: usize = 4096;

/// Why a reward needs two approvers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Second {
    /// Above the currency's dual-approval threshold.
    AboveThreshold,
    /// Its referral is flagged: the stored signals with their evidence
    /// (`office::referral_flags::line` says each in words).
    Flagged(Vec<JsonValue>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Approval {
    Approved,
    /// The first of two approvals is in; a different approver must give the second.
    FirstOfTwo(Second),
}

async fn load(tx: &mut Tx, id: i64) -> Result<Decided> {
    stored::decided(tx, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "referral_reward",
            key: id.to_string(),
        })
}

/// A reward that may no longer be decided, as "already approved by Awa Diop at 10:42".
fn already(r: &Decided) -> ServiceError {
    let (by, at) = match r.status.as_str() {
        "approved" | "paid" => (r.approver_name.clone(), r.approved_at),
        "rejected" => (r.rejecter_name.clone(), r.rejected_at),
        _ => (None, r.updated_at),
    };
    ServiceError::AlreadyDecided {
        status: r.status.clone(),
        by: by.unwrap_or_else(|| "the system".into()),
        at: at.unwrap_or_default(),
    }
}

/// Open: pending approval, or held with its hold passed. Held earlier: refused with its date.
fn open(r: &Decided, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    match r.status.as_str() {
        "pending" => Ok(()),
        "held" if r.due_at.is_none_or(|d| d <= now) => Ok(()),
        "held" => Err(ServiceError::Invalid {
            field: "referral_reward",
            message: Said::new("reward_on_hold").arg(
                "until",
                r.due_at
                    .unwrap_or_default()
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string(),
            ),
        }),
        _ => Err(already(r)),
    }
}

/// The referral's stored signals (`{"code", "evidence", …}` each), as readers put them in words.
fn flags(r: &Decided) -> Vec<JsonValue> {
    r.flags
        .as_ref()
        .and_then(JsonValue::as_array)
        .cloned()
        .unwrap_or_default()
}

pub async fn approve(db: &Db, actor: &Actor, origin: &Origin, id: i64) -> Result<Approval> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::ReferralRewardDecide).await?;
    let row = load(&mut tx, id).await?;
    let now = super::now();
    open(&row, now)?;
    let flagged = flags(&row);
    let second = if !flagged.is_empty() {
        Some(Second::Flagged(flagged))
    } else {
        let threshold = settings::dual_approval_threshold(&mut tx, &row.currency).await?;
        threshold
            .is_some_and(|t| row.amount > t)
            .then_some(Second::AboveThreshold)
    };
    if second.is_some() && row.first_approved_by == Some(actor.id) {
        return Err(ServiceError::FourEyes(FourEyes::SameApprover));
    }
    let (outcome, values, diff) = match second {
        Some(why) if row.first_approved_by.is_none() => (
            Approval::FirstOfTwo(why),
            vec![
                ("first_approved_by", actor.id.into()),
                ("first_approved_at", now.into()),
            ],
            Diff::new()
                .field("first_approved_by", JsonValue::Null, actor.id)
                .field("first_approved_at", JsonValue::Null, now.to_rfc3339()),
        ),
        _ => (
            Approval::Approved,
            vec![
                ("status", "approved".into()),
                ("approved_by", actor.id.into()),
                ("approved_at", now.into()),
            ],
            Diff::new()
                .field("status", row.status.as_str(), "approved")
                .field("approved_by", JsonValue::Null, actor.id)
                .field("approved_at", JsonValue::Null, now.to_rfc3339()),
        ),
    };
    let (mut values, mut diff) = (values, diff);
    if outcome == Approval::Approved {
        // Approved is owed: the debt to the referrer is in the ledger with the decision.
        let transfer = super::referral_money::accrue(&mut tx, id, now).await?;
        values.push(("ledger_transfer_id", transfer.into()));
        diff = diff.field("ledger_transfer_id", JsonValue::Null, transfer);
    }
    if !stored::cas_update(&mut tx, id, &row.status, row.lock_version, values, now).await? {
        let now_row = load(&mut tx, id).await?;
        return Err(match now_row.first_approved_by {
            Some(_) if now_row.status == row.status => ServiceError::AlreadyDecided {
                status: "first-approved".into(),
                by: now_row.first_approver_name.clone().unwrap_or_default(),
                at: now_row.first_approved_at.unwrap_or_default(),
            },
            _ => already(&now_row),
        });
    }
    let event = match outcome {
        Approval::Approved => "approved",
        Approval::FirstOfTwo(_) => "first_approved",
    };
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event,
            subject_type: "referral_reward",
            subject_id: id,
            diff,
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(outcome)
}

pub async fn reject(db: &Db, actor: &Actor, origin: &Origin, id: i64, reason: &str) -> Result<()> {
    let reason = crate::domain::require_text("reason", reason, REASON_MAX_BYTES)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::ReferralRewardDecide).await?;
    let row = load(&mut tx, id).await?;
    let now = super::now();
    if !matches!(row.status.as_str(), "held" | "pending") {
        return Err(already(&row));
    }
    let values = vec![
        ("status", "rejected".into()),
        ("rejected_by", actor.id.into()),
        ("rejected_at", now.into()),
        ("reason", reason.clone().into()),
    ];
    if !stored::cas_update(&mut tx, id, &row.status, row.lock_version, values, now).await? {
        return Err(already(&load(&mut tx, id).await?));
    }
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "rejected",
            subject_type: "referral_reward",
            subject_id: id,
            diff: Diff::new()
                .field("status", row.status.as_str(), "rejected")
                .field("rejected_by", JsonValue::Null, actor.id)
                .field("reason", JsonValue::Null, json!(reason)),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(())
}
