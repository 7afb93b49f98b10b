//! Payout batches (permission `escrow.release`): what developers are owed on their payable
//! account, grouped per provider into one pending payout per developer and currency, paid out
//! of the payable account by transfers in the same transaction. A batch is marked sent or
//! failed per payout (`service::payments`); a failed payout comes back to the payable balance
//! by new transfers.

use std::collections::BTreeMap;

use serde_json::Value as JsonValue;

use crate::domain::{PayoutMethod, UseCase};
use crate::store::escrows::code;
use crate::store::payouts::{NewPayout, Payable};
use crate::store::{self, Db, Tx};

use super::access;
use super::record::{Change, Diff, record};
use super::{Actor, Origin, Result, ServiceError};

/// Transfer code of a failed payout's money coming back to the payable account.
pub const PAYOUT_RETURN: i64 = 13;

/// One payout of a batch: the payment transaction, whom it pays, how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payout {
    pub payment_id: i64,
    pub developer_id: i64,
    pub developer_name: String,
    pub amount: i64,
    pub currency: String,
    /// The reference the batch file gives the provider for it.
    pub reference: String,
    pub payout_method: Option<String>,
    pub payout_account: Option<String>,
}

/// Groups every payable balance of developers paid through `provider` (in `currency` when
/// given) into a new batch. Returns the batch id and its payouts (none: nothing is owed).
pub async fn create_batch(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    provider: &str,
    currency: Option<&str>,
) -> Result<(String, Vec<Payout>)> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::PayoutBatch).await?;
    let owed: Vec<Payable> = store::payouts::payable(&mut tx, 100_000)
        .await?
        .into_iter()
        .filter(|p| {
            p.payout_method
                .as_deref()
                .and_then(|m| PayoutMethod::parse(m).ok())
                .is_some_and(|m| m.provider() == provider)
                && currency.is_none_or(|c| c == p.currency)
        })
        .collect();
    let now = super::now();
    // The time says when; the random tail keeps two batches of the same second apart (the
    // payouts' references derive from it and are unique per provider).
    let tail: u16 = rand::random();
    let stamp = now.format("%Y%m%d-%H%M%S");
    let batch = match currency {
        Some(c) => format!("PO-{provider}-{c}-{stamp}-{tail:04x}"),
        None => format!("PO-{provider}-{stamp}-{tail:04x}"),
    };
    let mut groups: BTreeMap<(i64, String), Vec<&Payable>> = BTreeMap::new();
    for p in &owed {
        groups
            .entry((p.developer_id, p.currency.clone()))
            .or_default()
            .push(p);
    }
    let mut out = Vec::new();
    for (n, ((developer_id, currency), lines)) in groups.iter().enumerate() {
        let amount: i64 = lines.iter().map(|l| l.amount).sum();
        let reference = format!("{batch}-{:03}", n + 1);
        let payment_id = store::payouts::insert_payout(
            &mut tx,
            &NewPayout {
                project_id: lines.first().map(|l| l.project_id),
                provider,
                reference: &reference,
                amount,
                currency,
                batch_id: &batch,
                now,
            },
        )
        .await
        .map_err(|e| match e.unique_violation() {
            Some(_) => ServiceError::Stale {
                what: "payout batch",
            },
            None => e.into(),
        })?;
        for l in lines {
            let key = crate::domain::ledger_keys::payout(payment_id, l.project_id);
            post(
                &mut tx,
                &key,
                "developer_payable",
                "psp_clearing",
                l,
                code::PAYOUT,
                &batch,
                now,
            )
            .await?;
        }
        record(
            &mut tx,
            Some(&actor),
            origin,
            Change {
                event: "payout_created",
                subject_type: "payment_transaction",
                subject_id: payment_id,
                diff: Diff::new()
                    .field("batch_id", JsonValue::Null, batch.as_str())
                    .field("amount", JsonValue::Null, amount)
                    .field("developer_id", JsonValue::Null, *developer_id),
                notices: Vec::new(),
                webhook: Some("payout.created"),
            },
        )
        .await?;
        out.push(Payout {
            payment_id,
            developer_id: *developer_id,
            developer_name: lines[0].developer_name.clone(),
            amount,
            currency: currency.clone(),
            reference,
            payout_method: lines[0].payout_method.clone(),
            payout_account: lines[0].payout_account.clone(),
        });
    }
    tx.commit().await?;
    Ok((batch, out))
}

#[allow(clippy::too_many_arguments)]
async fn post(
    tx: &mut Tx,
    key: &str,
    from: &str,
    to: &str,
    line: &Payable,
    code: i64,
    batch: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let debit = store::ledger::account(tx, from, from, &line.currency, now).await?;
    let credit = store::ledger::account(tx, to, to, &line.currency, now).await?;
    store::ledger::post(
        tx,
        &store::ledger::NewTransfer {
            idempotency_key: key,
            debit_account_id: debit,
            credit_account_id: credit,
            amount: line.amount,
            currency: &line.currency,
            code,
            project_id: Some(line.project_id),
            batch_id: Some(batch),
            now,
        },
    )
    .await?;
    Ok(())
}

/// A failed payout's money back on the developer's payable balance: one new transfer per
/// transfer that paid it out (the ledger is never edited). A payout no transfer paid out, or
/// whose transfers do not add up to its amount, is refused: nothing is recorded, and no message
/// claims a return the ledger did not make.
pub(crate) async fn return_failed(tx: &mut Tx, payment_id: i64, amount: i64) -> Result<i64> {
    let now = super::now();
    let transfers = store::payouts::transfers_of(tx, payment_id).await?;
    let paid: i64 = transfers.iter().map(|t| t.3).sum();
    if transfers.is_empty() || paid != amount {
        return Err(ServiceError::Domain(
            crate::domain::DomainError::PayoutWithoutTransfers { payment_id },
        ));
    }
    for (id, debit, credit, amount, currency, project) in transfers {
        store::ledger::post(
            tx,
            &store::ledger::NewTransfer {
                idempotency_key: &crate::domain::ledger_keys::payout_return(payment_id, id),
                debit_account_id: credit,
                credit_account_id: debit,
                amount,
                currency: &currency,
                code: PAYOUT_RETURN,
                project_id: project,
                batch_id: Some(&format!("payout_return:t{payment_id}")),
                now,
            },
        )
        .await
        .map_err(|e| match e.unique_violation() {
            Some(_) => ServiceError::Stale { what: "payment" },
            None => e.into(),
        })?;
    }
    Ok(paid)
}
