//! Finance decisions on commissions and external commissions: approve (four-eyes, dual
//! approval above the threshold), reject with a reason, mark paid (ledger transfer), cancel,
//! and creating a commission with the rate in force.

use serde_json::{Value as JsonValue, json};

use crate::domain::{CommissionStatus, Currency, UseCase, commission_amount, require_text};
use crate::store::{self, Db, Tx, commissions::CommissionRow};

pub use crate::store::commissions::Kind;

mod rules;

use rules::already_decided;
pub use rules::{Decision, refusal};

/// Opens a decision's transaction: the actor's rights re-read for it, the row loaded, and the
/// same rules the screens ask before confirming decided again, then the version seen.
async fn open_decision(
    db: &Db,
    actor: &Actor,
    kind: Kind,
    id: i64,
    decision: Decision,
    seen_version: Option<i64>,
) -> Result<(Tx, Actor, CommissionRow)> {
    let (platform, external) = match decision {
        Decision::Approve => (UseCase::CommissionApprove, UseCase::ExtCommissionApprove),
        Decision::Reject => (UseCase::CommissionReject, UseCase::ExtCommissionReject),
        Decision::Pay => (UseCase::CommissionPay, UseCase::ExtCommissionPay),
        Decision::Cancel => (UseCase::CommissionCancel, UseCase::ExtCommissionCancel),
    };
    let (mut tx, actor) = access::begin(db, actor, use_case(kind, platform, external)).await?;
    let row = load(&mut tx, kind, id).await?;
    if let Some(refused) = refusal(&actor, &row, decision) {
        return Err(refused);
    }
    check_seen(kind, &row, seen_version)?;
    Ok((tx, actor, row))
}

use super::access;
use super::record::{Change, Diff, Notice, record, record_and_commit};
use super::{Actor, Origin, Result, ServiceError, settings};

/// Longest rejection reason kept (bytes).
pub const REASON_MAX_BYTES: usize = 4096;
/// Longest payment reference kept (bytes).
pub const REFERENCE_MAX_BYTES: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approval {
    /// Fully approved.
    Approved,
    /// Above the dual-approval threshold: the first of two approvals is in.
    FirstOfTwo,
}

/// The use case for a platform commission or an external one.
fn use_case(kind: Kind, platform: UseCase, external: UseCase) -> UseCase {
    match kind {
        Kind::Platform => platform,
        Kind::External => external,
    }
}

fn what(kind: Kind) -> &'static str {
    match kind {
        Kind::Platform => "commission",
        Kind::External => "external commission",
    }
}

async fn load(tx: &mut Tx, kind: Kind, id: i64) -> Result<CommissionRow> {
    store::commissions::get(tx, kind, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: what(kind),
            key: id.to_string(),
        })
}

/// Refuses a decision taken on a version of the row the user no longer sees.
fn check_seen(kind: Kind, row: &CommissionRow, seen_version: Option<i64>) -> Result<()> {
    super::ensure_version(what(kind), row.lock_version, seen_version)
}

/// The people told about a decision: the requester and the developer.
fn notices(
    row: &CommissionRow,
    class: &'static str,
    kind: &'static str,
    params: JsonValue,
) -> Vec<Notice> {
    let mut people = vec![row.requested_by];
    people.extend(row.developer_id);
    people
        .into_iter()
        .map(|user_id| Notice {
            user_id,
            class,
            kind,
            params: params.clone(),
        })
        .collect()
}

fn money_params(row: &CommissionRow) -> JsonValue {
    json!({
        "amount": row.amount,
        "currency": row.currency,
        "project_id": row.project_id,
        "project_title": row.project_title,
    })
}

/// After a compare-and-set lost, explains what the winner did.
async fn lost_race(tx: &mut Tx, kind: Kind, id: i64) -> ServiceError {
    match load(tx, kind, id).await {
        Ok(row) if row.status != "pending" => already_decided(&row),
        Ok(row) if row.first_approved_by.is_some() => ServiceError::AlreadyDecided {
            status: "first-approved".into(),
            by: row.first_approver_name.unwrap_or_default(),
            at: row.first_approved_at.unwrap_or_default(),
        },
        Ok(_) => ServiceError::Stale { what: what(kind) },
        Err(e) => e,
    }
}

pub async fn approve(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    kind: Kind,
    id: i64,
    seen_version: Option<i64>,
) -> Result<Approval> {
    let (mut tx, actor, row) =
        open_decision(db, actor, kind, id, Decision::Approve, seen_version).await?;
    let actor = &actor;
    let threshold = settings::dual_approval_threshold(&mut tx, &row.currency).await?;
    let needs_two = threshold.is_some_and(|t| row.amount > t);
    let now = super::now();

    let (outcome, values, diff) = if needs_two && row.first_approved_by.is_none() {
        (
            Approval::FirstOfTwo,
            vec![
                ("first_approved_by", actor.id.into()),
                ("first_approved_at", now.into()),
            ],
            Diff::new()
                .field("first_approved_by", JsonValue::Null, actor.id)
                .field("first_approved_at", JsonValue::Null, now.to_rfc3339()),
        )
    } else {
        (
            Approval::Approved,
            vec![
                ("status", CommissionStatus::Approved.as_str().into()),
                ("approved_by", actor.id.into()),
                ("approved_at", now.into()),
            ],
            Diff::new()
                .field("status", row.status.as_str(), "approved")
                .field("approved_by", JsonValue::Null, actor.id)
                .field("approved_at", JsonValue::Null, now.to_rfc3339()),
        )
    };
    if !store::commissions::cas_update(&mut tx, kind, id, "pending", row.lock_version, values, now)
        .await?
    {
        return Err(lost_race(&mut tx, kind, id).await);
    }
    let (event, notify, webhook) = match outcome {
        Approval::FirstOfTwo => ("first_approved", Vec::new(), "first_approved"),
        Approval::Approved => (
            "approved",
            notices(
                &row,
                "App\\Notifications\\CommissionApproved",
                "commission.approved",
                money_params(&row),
            ),
            "approved",
        ),
    };
    let webhook = format!("{}.{webhook}", kind.alias());
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event,
            subject_type: kind.alias(),
            subject_id: id,
            diff,
            notices: notify,
            webhook: Some(&webhook),
        },
    )
    .await?;
    Ok(outcome)
}

pub async fn reject(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    kind: Kind,
    id: i64,
    reason: &str,
    seen_version: Option<i64>,
) -> Result<()> {
    let reason = require_text("reason", reason, REASON_MAX_BYTES)?;
    let (mut tx, actor, row) =
        open_decision(db, actor, kind, id, Decision::Reject, seen_version).await?;
    let actor = &actor;
    let now = super::now();
    let values = vec![
        ("status", "rejected".into()),
        ("rejected_by", actor.id.into()),
        ("rejected_at", now.into()),
        ("rejection_reason", reason.clone().into()),
    ];
    if !store::commissions::cas_update(&mut tx, kind, id, "pending", row.lock_version, values, now)
        .await?
    {
        return Err(lost_race(&mut tx, kind, id).await);
    }
    let mut params = money_params(&row);
    params["reason"] = reason.clone().into();
    let webhook = format!("{}.rejected", kind.alias());
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "rejected",
            subject_type: kind.alias(),
            subject_id: id,
            diff: Diff::new()
                .field("status", "pending", "rejected")
                .field("rejected_by", JsonValue::Null, actor.id)
                .field("rejection_reason", JsonValue::Null, reason),
            notices: notices(
                &row,
                "App\\Notifications\\CommissionRejected",
                "commission.rejected",
                params,
            ),
            webhook: Some(&webhook),
        },
    )
    .await?;
    Ok(())
}

/// Marks an approved commission paid: records the payment reference and posts the ledger
/// transfer (escrow -> platform revenue, or escrow -> contributor payable for external ones).
pub async fn pay(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    kind: Kind,
    id: i64,
    reference: &str,
    seen_version: Option<i64>,
) -> Result<i64> {
    let reference = require_text("payment reference", reference, REFERENCE_MAX_BYTES)?;
    if reference.chars().any(char::is_control) {
        return Err(ServiceError::Invalid {
            field: "payment reference",
            message: crate::service::Said::new("one_line"),
        });
    }
    let (mut tx, actor, row) =
        open_decision(db, actor, kind, id, Decision::Pay, seen_version).await?;
    let actor = &actor;
    let now = super::now();
    let (credit_code, code) = match kind {
        Kind::Platform => ("platform_revenue", 2),
        Kind::External => ("contributor_payable", 3),
    };
    // On a project with an escrow the part is paid from what releases moved to it: nothing
    // moves now, the payment points at the release's transfer. Without one (projects from
    // before escrows), the payment moves it.
    let external = matches!(kind, Kind::External).then_some(id);
    let (transfer_id, moved_now) =
        match crate::service::escrow::moved_for_commission(&mut tx, row.project_id, external)
            .await?
        {
            Some((_, transfer)) => (Some(transfer).filter(|t| *t > 0), 0),
            None => (
                Some(post_payment(&mut tx, kind, id, &row, credit_code, code, now).await?),
                row.amount,
            ),
        };
    let (m, delta) = match kind {
        Kind::Platform => (super::analytics::metric::COMMISSION, row.amount),
        Kind::External => (super::analytics::metric::RELEASED, moved_now),
    };
    super::analytics::bump(&mut tx, now, m, &row.currency, delta).await?;
    let values = vec![
        ("status", "paid".into()),
        ("paid_by", actor.id.into()),
        ("paid_at", now.into()),
        ("payment_reference", reference.clone().into()),
        ("ledger_transfer_id", transfer_id.into()),
    ];
    if !store::commissions::cas_update(&mut tx, kind, id, "approved", row.lock_version, values, now)
        .await?
    {
        return Err(lost_race(&mut tx, kind, id).await);
    }
    // The platform's commission is the money referral rewards are a share of.
    let earned = match kind {
        Kind::Platform => super::referral_rewards::earn(&mut tx, &row, now).await?,
        Kind::External => Vec::new(),
    };
    let mut params = money_params(&row);
    params["reference"] = reference.clone().into();
    let webhook = format!("{}.paid", kind.alias());
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "paid",
            subject_type: kind.alias(),
            subject_id: id,
            diff: Diff::new()
                .field("status", "approved", "paid")
                .field("paid_by", JsonValue::Null, actor.id)
                .field("payment_reference", JsonValue::Null, reference)
                .field("ledger_transfer_id", JsonValue::Null, transfer_id)
                // The rewards it earned (none: the field is left out).
                .field("referral_rewards", JsonValue::Null, earned_json(&earned)),
            notices: notices(
                &row,
                "App\\Notifications\\CommissionPaid",
                "commission.paid",
                params,
            ),
            webhook: Some(&webhook),
        },
    )
    .await?;
    Ok(transfer_id.unwrap_or_default())
}

fn earned_json(earned: &[(i64, i64)]) -> JsonValue {
    if earned.is_empty() {
        return JsonValue::Null;
    }
    earned
        .iter()
        .map(|(referral, amount)| json!({"referral_id": referral, "amount": amount}))
        .collect()
}

/// The legacy payment of a part for a project without an escrow: one transfer for its amount.
async fn post_payment(
    tx: &mut Tx,
    kind: Kind,
    id: i64,
    row: &CommissionRow,
    credit_code: &str,
    code: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64> {
    let escrow = store::ledger::account(tx, "escrow", "escrow", &row.currency, now).await?;
    let credit = store::ledger::account(tx, credit_code, credit_code, &row.currency, now).await?;
    let key = format!("{}:{id}:paid", kind.alias());
    store::ledger::post(
        tx,
        &store::ledger::NewTransfer {
            idempotency_key: &key,
            debit_account_id: escrow,
            credit_account_id: credit,
            amount: row.amount,
            currency: &row.currency,
            code,
            project_id: Some(row.project_id),
            batch_id: None,
            now,
        },
    )
    .await
    .map_err(|e| match e.unique_violation() {
        Some(_) => ServiceError::AlreadyDecided {
            status: "paid".into(),
            by: "an earlier payment".into(),
            at: now,
        },
        None => e.into(),
    })
}

pub async fn cancel(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    kind: Kind,
    id: i64,
    reason: &str,
    seen_version: Option<i64>,
) -> Result<()> {
    let reason = require_text("reason", reason, REASON_MAX_BYTES)?;
    let (mut tx, actor, row) =
        open_decision(db, actor, kind, id, Decision::Cancel, seen_version).await?;
    cancel_in(&mut tx, &actor, origin, kind, &row, &reason).await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels a live commission inside the caller's transaction: the row (compare-and-set), its
/// audit row, notifications and outbox event.
pub(crate) async fn cancel_in(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    kind: Kind,
    row: &CommissionRow,
    reason: &str,
) -> Result<()> {
    let id = row.id;
    let from = CommissionStatus::parse(&row.status)?;
    let now = super::now();
    let values = vec![
        ("status", "cancelled".into()),
        ("cancelled_by", actor.id.into()),
        ("cancelled_at", now.into()),
    ];
    if !store::commissions::cas_update(tx, kind, id, from.as_str(), row.lock_version, values, now)
        .await?
    {
        return Err(lost_race(tx, kind, id).await);
    }
    let webhook = format!("{}.cancelled", kind.alias());
    record(
        tx,
        Some(actor),
        origin,
        Change {
            event: "cancelled",
            subject_type: kind.alias(),
            subject_id: id,
            diff: Diff::new()
                .field("status", from.as_str(), "cancelled")
                .field("cancelled_by", JsonValue::Null, actor.id)
                .field("reason", JsonValue::Null, reason),
            notices: notices(
                row,
                "App\\Notifications\\CommissionCancelled",
                "commission.cancelled",
                money_params(row),
            ),
            webhook: Some(&webhook),
        },
    )
    .await?;
    Ok(())
}

/// Requests the platform commission of a project on `gross` (minor units of the project's
/// currency), snapshotting the rate in force now.
pub async fn create(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    project_id: i64,
    gross: i64,
) -> Result<i64> {
    if gross < 0 {
        return Err(crate::domain::DomainError::NegativeAmount {
            input: gross.to_string(),
        }
        .into());
    }
    let (mut tx, actor) = access::begin(db, actor, UseCase::CommissionCreate).await?;
    let actor = &actor;
    let project =
        store::projects::get(&mut tx, project_id)
            .await?
            .ok_or(ServiceError::NotFound {
                what: "project",
                key: project_id.to_string(),
            })?;
    Currency::parse(&project.currency)?;
    let rate_bps = settings::default_rate_bps(&mut tx).await?;
    let amount = commission_amount(gross, rate_bps)?;
    let now = super::now();
    let id = store::commissions::insert(
        &mut tx,
        &store::commissions::NewCommission {
            project_id,
            gross_amount: gross,
            rate_bps,
            amount,
            currency: &project.currency,
            requested_by: actor.id,
            now,
        },
    )
    .await
    .map_err(|e| match e.unique_violation() {
        Some(_) => ServiceError::Duplicate {
            field: "live commission for project",
            value: project.title.clone(),
        },
        None => e.into(),
    })?;
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "created",
            subject_type: "commission",
            subject_id: id,
            diff: Diff::new()
                .field("project_id", JsonValue::Null, project_id)
                .field("gross_amount", JsonValue::Null, gross)
                .field("rate_bps", JsonValue::Null, rate_bps)
                .field("amount", JsonValue::Null, amount)
                .field("currency", JsonValue::Null, project.currency.as_str())
                .field("status", JsonValue::Null, "pending"),
            notices: Vec::new(),
            webhook: Some("commission.created"),
        },
    )
    .await?;
    Ok(id)
}

/// The result of approving several commissions.
#[derive(Debug, Default)]
pub struct BulkReport {
    pub approved: Vec<i64>,
    pub first_of_two: Vec<i64>,
    /// Refused ones with the reason, e.g. "already approved by Awa Diop at 10:42".
    pub skipped: Vec<(i64, ServiceError)>,
}

/// Approves each commission in its own transaction, so one refusal never blocks the others.
/// Stops early only when the database connection is lost.
pub async fn approve_many(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    kind: Kind,
    ids: &[i64],
) -> Result<BulkReport> {
    let mut report = BulkReport::default();
    for &id in ids {
        match approve(db, actor, origin, kind, id, None).await {
            Ok(Approval::Approved) => report.approved.push(id),
            Ok(Approval::FirstOfTwo) => report.first_of_two.push(id),
            Err(e) if e.is_connection_lost() => return Err(e),
            Err(e) => report.skipped.push((id, e)),
        }
    }
    Ok(report)
}
