//! Payment transactions recorded by hand (permission `escrow.release`): a provider's
//! confirmation or failure, with the provider's reference. A confirmed collection funds its
//! escrow in the same transaction (the client's money arrives, then is held), as the
//! provider's callback would.

use serde_json::{Value as JsonValue, json};

use crate::domain::{EscrowStatus, UseCase, require_text};
use crate::store::escrows::code;
use crate::store::{self, Db};

use super::access;
use super::analytics::metric;
use super::record::{Change, Diff, Notice, record, record_and_commit};
use super::{Actor, Origin, Result, ServiceError};

pub const REFERENCE_MAX_BYTES: usize = 128;

fn one_line(field: &'static str, text: &str, max: usize) -> Result<String> {
    let text = require_text(field, text, max)?;
    if text.chars().any(char::is_control) {
        return Err(ServiceError::Invalid {
            field,
            message: crate::service::Said::new("one_line"),
        });
    }
    Ok(text)
}

/// The transaction, if the provider has not answered for it yet (initiated or pending).
async fn still_open(tx: &mut store::Tx, id: i64) -> Result<store::escrows::PaymentRow> {
    let p = store::payments::get(tx, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "payment",
            key: id.to_string(),
        })?;
    if !matches!(p.status.as_str(), "initiated" | "pending") {
        return Err(ServiceError::Invalid {
            field: "status",
            message: crate::service::Said::new("payment_already")
                .status("status", "payment", &p.status),
        });
    }
    Ok(p)
}

/// Records that the provider confirmed a pending (or initiated) transaction under
/// `reference`. A collection into an escrow awaiting funds moves the money in and holds it.
pub async fn confirm(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    reference: &str,
) -> Result<()> {
    let reference = one_line("provider reference", reference, REFERENCE_MAX_BYTES)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::PaymentRecord).await?;
    let p = still_open(&mut tx, id).await?;
    let now = super::now();
    let values = vec![
        ("status", "succeeded".into()),
        ("provider_reference", reference.clone().into()),
    ];
    let updated = store::escrows::set_payment_status(&mut tx, id, &p.status, values, now)
        .await
        .map_err(|e| match e.unique_violation() {
            Some(_) => ServiceError::Duplicate {
                field: "provider reference",
                value: reference.clone(),
            },
            None => e.into(),
        })?;
    if !updated {
        return Err(ServiceError::Stale { what: "payment" });
    }
    if p.direction == "collection"
        && let Some(escrow_id) = p.escrow_id
    {
        super::analytics::bump(&mut tx, now, metric::COLLECTED, &p.currency, p.amount).await?;
        fund(&mut tx, &actor, origin, escrow_id, &p, now).await?;
    }
    // Money a provider sent back to the client on a project (a refund or chargeback the
    // platform recorded): the referral rewards its commission earned are reversed.
    let mut reversed = Vec::new();
    if p.direction == "refund"
        && let Some(project) = p.project_id
    {
        let why = format!("payment #{id} refunded the client ({reference})");
        reversed =
            super::referral_money::reverse_for_refund(&mut tx, &actor, origin, project, &why)
                .await?
                .iter()
                .map(|r| r.reward_id)
                .collect();
    }
    let diff = Diff::new()
        .field("status", p.status.as_str(), "succeeded")
        .field(
            "provider_reference",
            p.provider_reference.as_str(),
            reference.as_str(),
        )
        .field(
            "referral_rewards",
            JsonValue::Null,
            (!reversed.is_empty()).then_some(reversed),
        );
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "confirmed",
            subject_type: "payment_transaction",
            subject_id: id,
            diff,
            notices: Vec::new(),
            webhook: Some("payment.succeeded"),
        },
    )
    .await?;
    Ok(())
}

/// The collection's money arrives in the client's funds and is held in escrow.
async fn fund(
    tx: &mut store::Tx,
    actor: &Actor,
    origin: &Origin,
    escrow_id: i64,
    p: &store::escrows::PaymentRow,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let Some(e) = store::escrows::get(tx, escrow_id).await? else {
        return Ok(());
    };
    if e.status != EscrowStatus::AwaitingFunds.as_str() {
        return Ok(());
    }
    let mut accounts = Vec::new();
    for kind in ["psp_clearing", "client_funds", "escrow"] {
        accounts.push(store::ledger::account(tx, kind, kind, &p.currency, now).await?);
    }
    let (clearing, client, escrow) = (accounts[0], accounts[1], accounts[2]);
    let batch = format!("fund:e{escrow_id}:t{}", p.id);
    for (key, debit, credit, code) in [
        (
            format!("collection:t{}", p.id),
            clearing,
            client,
            code::COLLECTION,
        ),
        (
            format!("hold:e{escrow_id}:t{}", p.id),
            client,
            escrow,
            code::HOLD,
        ),
    ] {
        store::ledger::post(
            tx,
            &store::ledger::NewTransfer {
                idempotency_key: &key,
                debit_account_id: debit,
                credit_account_id: credit,
                amount: p.amount,
                currency: &p.currency,
                code,
                project_id: Some(e.project_id),
                batch_id: Some(&batch),
                now,
            },
        )
        .await?;
    }
    if !store::escrows::fund(tx, escrow_id, e.lock_version, p.amount, now).await? {
        return Err(ServiceError::Stale { what: "escrow" });
    }
    let params = json!({"project_title": e.project_title, "project_id": e.project_id, "amount": p.amount, "currency": p.currency});
    let mut notices = vec![Notice {
        user_id: e.client_id,
        class: "App\\Notifications\\EscrowChanged",
        kind: "escrow.held",
        params: params.clone(),
    }];
    if let Some(dev) = e.developer_id {
        notices.push(Notice {
            user_id: dev,
            class: "App\\Notifications\\EscrowChanged",
            kind: "escrow.held",
            params,
        });
    }
    record(
        tx,
        Some(actor),
        origin,
        Change {
            event: "held",
            subject_type: "escrow",
            subject_id: escrow_id,
            diff: Diff::new()
                .field("amount_held", e.amount_held, e.amount_held + p.amount)
                .field("status", e.status.as_str(), EscrowStatus::Held.as_str()),
            notices,
            webhook: Some("escrow.held"),
        },
    )
    .await?;
    Ok(())
}

/// Records that the provider refused a pending (or initiated) transaction, with its reason.
pub async fn fail(db: &Db, actor: &Actor, origin: &Origin, id: i64, reason: &str) -> Result<()> {
    let reason = one_line("reason", reason, 512)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::PaymentRecord).await?;
    let p = still_open(&mut tx, id).await?;
    let now = super::now();
    let values = vec![
        ("status", "failed".into()),
        ("failure_reason", reason.clone().into()),
    ];
    if !store::escrows::set_payment_status(&mut tx, id, &p.status, values, now).await? {
        return Err(ServiceError::Stale { what: "payment" });
    }
    let returned = if p.direction == "payout" {
        Some(super::payouts::return_failed(&mut tx, id, p.amount).await?)
    } else {
        None
    };
    let diff = Diff::new()
        .field("status", p.status.as_str(), "failed")
        .field("failure_reason", JsonValue::Null, reason.as_str())
        .field("returned", JsonValue::Null, returned);
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "failed",
            subject_type: "payment_transaction",
            subject_id: id,
            diff,
            notices: Vec::new(),
            webhook: Some("payment.failed"),
        },
    )
    .await?;
    Ok(())
}
