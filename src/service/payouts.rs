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
use crate::store::referral_money;
use crate::store::{self, Db, Tx};

use super::access;
use super::record::{Change, Diff, record};
use super::{Actor, Origin, Result, ServiceError, settings};

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

/// What one payee is owed in one currency: their developer payable per project, their
/// approved referral rewards, and the clawbacks they owe back (netted from this payout).
#[derive(Default)]
struct Group<'a> {
    name: String,
    method: Option<String>,
    account: Option<String>,
    projects: Vec<&'a Payable>,
    rewards: Vec<&'a referral_money::Owed>,
    clawbacks: Vec<&'a referral_money::Owed>,
}

impl Group<'_> {
    fn sum(lines: &[&referral_money::Owed]) -> i64 {
        lines.iter().map(|l| l.amount).sum()
    }

    /// The payout's amount: what is owed less what the payee owes back.
    fn amount(&self) -> i64 {
        self.projects.iter().map(|l| l.amount).sum::<i64>() + Self::sum(&self.rewards)
            - Self::sum(&self.clawbacks)
    }
}

fn paid_through(method: Option<&str>, provider: &str) -> bool {
    method
        .and_then(|m| PayoutMethod::parse(m).ok())
        .is_some_and(|m| m.provider() == provider)
}

/// Groups every payable balance of developers and every approved referral reward of referrers
/// paid through `provider` (in `currency` when given) into a new batch: one payout per payee
/// and currency, less the clawbacks they owe. Rewards alone wait until they reach the
/// program's smallest payout; a payee who owes back as much as they are owed waits too.
/// Returns the batch id and its payouts (none: nothing is owed).
pub async fn create_batch(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    provider: &str,
    currency: Option<&str>,
) -> Result<(String, Vec<Payout>)> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::PayoutBatch).await?;
    let in_batch = |method: Option<&str>, cur: &str| {
        paid_through(method, provider) && currency.is_none_or(|c| c == cur)
    };
    let owed: Vec<Payable> = store::payouts::payable(&mut tx, 100_000)
        .await?
        .into_iter()
        .filter(|p| in_batch(p.payout_method.as_deref(), &p.currency))
        .collect();
    let rewards: Vec<referral_money::Owed> = referral_money::approved(&mut tx, 100_000)
        .await?
        .into_iter()
        .filter(|w| in_batch(w.payout_method.as_deref(), &w.currency))
        .collect();
    let clawbacks = referral_money::open_clawbacks(&mut tx, 100_000).await?;
    let min_payout = settings::referral_min_payout(&mut tx).await?;
    let now = super::now();
    // The time says when; the random tail keeps two batches of the same second apart (the
    // payouts' references derive from it and are unique per provider).
    let tail: u16 = rand::random();
    let stamp = now.format("%Y%m%d-%H%M%S");
    let batch = match currency {
        Some(c) => format!("PO-{provider}-{c}-{stamp}-{tail:04x}"),
        None => format!("PO-{provider}-{stamp}-{tail:04x}"),
    };
    let mut groups: BTreeMap<(i64, String), Group> = BTreeMap::new();
    for p in &owed {
        let g = groups
            .entry((p.developer_id, p.currency.clone()))
            .or_default();
        g.name.clone_from(&p.developer_name);
        g.method.clone_from(&p.payout_method);
        g.account.clone_from(&p.payout_account);
        g.projects.push(p);
    }
    for w in &rewards {
        let g = groups
            .entry((w.referrer_id, w.currency.clone()))
            .or_default();
        if g.projects.is_empty() {
            g.name.clone_from(&w.referrer_name);
            g.method.clone_from(&w.payout_method);
            g.account.clone_from(&w.payout_account);
        }
        g.rewards.push(w);
    }
    for (key, g) in groups.iter_mut() {
        let least = min_payout.get(&key.1).copied().unwrap_or(0);
        if g.projects.is_empty() && Group::sum(&g.rewards) < least {
            g.rewards.clear();
        }
        g.clawbacks = clawbacks
            .iter()
            .filter(|c| c.referrer_id == key.0 && c.currency == key.1)
            .collect();
    }
    groups.retain(|_, g| !(g.projects.is_empty() && g.rewards.is_empty()) && g.amount() > 0);
    let mut out = Vec::new();
    for (n, ((payee, currency), g)) in groups.iter().enumerate() {
        let amount = g.amount();
        let reference = format!("{batch}-{:03}", n + 1);
        let payment_id = store::payouts::insert_payout(
            &mut tx,
            &NewPayout {
                project_id: g.projects.first().map(|l| l.project_id),
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
        for l in &g.projects {
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
        super::referral_money::pay_out(&mut tx, payment_id, &g.rewards, &g.clawbacks, &batch, now)
            .await?;
        let ids = |lines: &[&referral_money::Owed]| lines.iter().map(|l| l.id).collect::<Vec<_>>();
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
                    .field("developer_id", JsonValue::Null, *payee)
                    .field("referral_rewards", JsonValue::Null, ids(&g.rewards))
                    .field("clawbacks_netted", JsonValue::Null, ids(&g.clawbacks)),
                notices: Vec::new(),
                webhook: Some("payout.created"),
            },
        )
        .await?;
        out.push(Payout {
            payment_id,
            developer_id: *payee,
            developer_name: g.name.clone(),
            amount,
            currency: currency.clone(),
            reference,
            payout_method: g.method.clone(),
            payout_account: g.account.clone(),
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
    // A netted clawback left the clearing account: it makes the payout smaller.
    let paid: i64 = transfers
        .iter()
        .map(|t| if t.6 == code::NETTING { -t.3 } else { t.3 })
        .sum();
    if transfers.is_empty() || paid != amount {
        return Err(ServiceError::Domain(
            crate::domain::DomainError::PayoutWithoutTransfers { payment_id },
        ));
    }
    for (id, debit, credit, amount, currency, project, code_) in transfers {
        store::ledger::post(
            tx,
            &store::ledger::NewTransfer {
                idempotency_key: &crate::domain::ledger_keys::payout_return(payment_id, id),
                debit_account_id: credit,
                credit_account_id: debit,
                amount,
                currency: &currency,
                code: if code_ == code::NETTING {
                    code::NETTING_RETURN
                } else {
                    PAYOUT_RETURN
                },
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
    super::referral_money::payout_failed(tx, payment_id).await?;
    Ok(paid)
}
