//! The ledger side of referral rewards, written inside the transactions that move them:
//!
//! - approval: the reward is owed (platform revenue → referral payable, `referral:w{id}`);
//! - a refund or a dispute decided for the client on the reward's project: an unpaid reward is
//!   cancelled (an approved one's debt reversed, `referral_reversal:w{id}`), a paid one is
//!   clawed back (referral receivable → platform revenue, `clawback:w{id}`): the referrer owes
//!   it until a payout nets it;
//! - a payout: each approved reward leaves the referral payable (`payout:t{p}:w{id}`), each
//!   open clawback makes the payout smaller (`payout:t{p}:c{id}`, clearing → receivable);
//! - a failed payout: its rewards are owed again and its clawbacks open again, except a
//!   reward clawed back meanwhile, whose returned money settles its own clawback.
//!
//! Every reward's state is what its transfers say (`office::referral_checks` proves it).

use chrono::{DateTime, Utc};
use serde_json::{Value as JsonValue, json};

use crate::domain::ledger_keys;
use crate::store::escrows::code;
use crate::store::referral_money::{self as stored, RewardMoney};
use crate::store::{self, Tx};

use super::record::{Change, Diff, Notice, record};
use super::{Actor, Origin, Result, ServiceError};

pub const PLATFORM_REVENUE: &str = "platform_revenue";
pub const REFERRAL_PAYABLE: &str = "referral_payable";
pub const REFERRAL_RECEIVABLE: &str = "referral_receivable";
pub const PSP_CLEARING: &str = "psp_clearing";

/// What a reward's transfer moves: its amount, in its currency, on its commission's project.
#[derive(Clone, Copy)]
pub(crate) struct Line<'a> {
    pub amount: i64,
    pub currency: &'a str,
    pub project_id: i64,
}

impl<'a> From<&'a RewardMoney> for Line<'a> {
    fn from(w: &'a RewardMoney) -> Self {
        Line {
            amount: w.amount,
            currency: &w.currency,
            project_id: w.project_id,
        }
    }
}

impl<'a> From<&'a stored::Owed> for Line<'a> {
    fn from(w: &'a stored::Owed) -> Self {
        Line {
            amount: w.amount,
            currency: &w.currency,
            project_id: w.project_id,
        }
    }
}

/// An account's kind: the receivable is the referral payable's other side (a referrer who
/// owes), so it is of that kind; every other account is of the kind its code names.
pub fn kind_of(code: &str) -> &str {
    match code {
        REFERRAL_RECEIVABLE => REFERRAL_PAYABLE,
        other => other,
    }
}

/// Posts `line` from account `from` to account `to` under `key` (code `code`, in `batch`).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn post(
    tx: &mut Tx,
    key: &str,
    (from, to): (&str, &str),
    code: i64,
    line: Line<'_>,
    batch: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let debit = store::ledger::account(tx, from, kind_of(from), line.currency, now).await?;
    let credit = store::ledger::account(tx, to, kind_of(to), line.currency, now).await?;
    let id = store::ledger::post(
        tx,
        &store::ledger::NewTransfer {
            idempotency_key: key,
            debit_account_id: debit,
            credit_account_id: credit,
            amount: line.amount,
            currency: line.currency,
            code,
            project_id: Some(line.project_id),
            batch_id: batch,
            now,
        },
    )
    .await
    .map_err(|e| match e.unique_violation() {
        Some(_) => ServiceError::Stale {
            what: "referral_reward",
        },
        None => e.into(),
    })?;
    Ok(id)
}

async fn load(tx: &mut Tx, id: i64) -> Result<RewardMoney> {
    stored::get(tx, id).await?.ok_or(ServiceError::NotFound {
        what: "referral_reward",
        key: id.to_string(),
    })
}

/// The approved reward becomes a debt to its referrer, in the approval's transaction.
pub(crate) async fn accrue(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<i64> {
    let w = load(tx, id).await?;
    let key = ledger_keys::referral(w.id);
    post(
        tx,
        &key,
        (PLATFORM_REVENUE, REFERRAL_PAYABLE),
        code::REFERRAL,
        (&w).into(),
        None,
        now,
    )
    .await
}

/// What a refund did to one reward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reversed {
    pub reward_id: i64,
    pub amount: i64,
    pub currency: String,
    /// `cancelled` or `clawed_back`.
    pub to: &'static str,
}

fn notice(w: &RewardMoney, kind: &'static str) -> Notice {
    Notice {
        user_id: w.referrer_id,
        class: "App\\Notifications\\ReferralRewardChanged",
        kind,
        params: json!({
            "project_title": w.project_title, "project_id": w.project_id,
            "amount": w.amount, "currency": w.currency,
        }),
    }
}

/// The client got money back on `project_id` (a refund, or a dispute decided for them): every
/// reward its platform commission earned that has not ended is reversed, in the refund's
/// transaction: unpaid ones cancelled, paid ones clawed back. Each is audited and its referrer
/// told. A refund is a refund whatever its size: the program pays on deals that held.
pub(crate) async fn reverse_for_refund(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    project_id: i64,
    why: &str,
) -> Result<Vec<Reversed>> {
    let now = super::now();
    let mut out = Vec::new();
    for w in stored::reversible_of_project(tx, project_id).await? {
        let (to, mut values, transfer) = match w.status.as_str() {
            "paid" => {
                let key = ledger_keys::clawback(w.id);
                let t = post(
                    tx,
                    &key,
                    (REFERRAL_RECEIVABLE, PLATFORM_REVENUE),
                    code::CLAWBACK,
                    (&w).into(),
                    None,
                    now,
                )
                .await?;
                (
                    "clawed_back",
                    vec![("clawback_transfer_id", t.into())],
                    Some(t),
                )
            }
            "approved" => {
                let key = ledger_keys::referral_reversal(w.id);
                let t = post(
                    tx,
                    &key,
                    (REFERRAL_PAYABLE, PLATFORM_REVENUE),
                    code::REFERRAL_REVERSAL,
                    (&w).into(),
                    None,
                    now,
                )
                .await?;
                ("cancelled", Vec::new(), Some(t))
            }
            _ => ("cancelled", Vec::new(), None),
        };
        values.push(("status", to.into()));
        values.push(("reason", why.into()));
        if to == "cancelled" {
            values.push(("cancelled_at", now.into()));
        }
        if !stored::cas_move(tx, w.id, &w.status, w.lock_version, values, now).await? {
            return Err(ServiceError::Stale {
                what: "referral_reward",
            });
        }
        let kind = match to {
            "clawed_back" => "referral.reward_clawed_back",
            _ => "referral.reward_cancelled",
        };
        record(
            tx,
            Some(actor),
            origin,
            Change {
                event: to,
                subject_type: "referral_reward",
                subject_id: w.id,
                diff: Diff::new()
                    .field("status", w.status.as_str(), to)
                    .field("reason", JsonValue::Null, why)
                    .field("transfer_id", JsonValue::Null, transfer),
                notices: vec![notice(&w, kind)],
                webhook: None,
            },
        )
        .await?;
        out.push(Reversed {
            reward_id: w.id,
            amount: w.amount,
            currency: w.currency.clone(),
            to,
        });
    }
    Ok(out)
}

/// A payout's reward lines and netted clawbacks, posted and marked in the batch's
/// transaction: the rewards paid, the clawbacks recovered by payout `payment_id`.
pub(crate) async fn pay_out(
    tx: &mut Tx,
    payment_id: i64,
    rewards: &[&stored::Owed],
    clawbacks: &[&stored::Owed],
    batch: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    for w in rewards {
        let key = ledger_keys::reward_payout(payment_id, w.id);
        post(
            tx,
            &key,
            (REFERRAL_PAYABLE, PSP_CLEARING),
            code::PAYOUT,
            (*w).into(),
            Some(batch),
            now,
        )
        .await?;
        mark(
            tx,
            w.id,
            "approved",
            vec![("status", "paid".into()), ("payout_id", payment_id.into())],
            now,
        )
        .await?;
    }
    for w in clawbacks {
        let key = ledger_keys::clawback_netting(payment_id, w.id);
        post(
            tx,
            &key,
            (PSP_CLEARING, REFERRAL_RECEIVABLE),
            code::NETTING,
            (*w).into(),
            Some(batch),
            now,
        )
        .await?;
        mark(
            tx,
            w.id,
            "clawed_back",
            vec![
                ("recovered_payout_id", payment_id.into()),
                ("recovered_at", now.into()),
            ],
            now,
        )
        .await?;
    }
    Ok(())
}

async fn mark(
    tx: &mut Tx,
    id: i64,
    from: &str,
    values: Vec<(&'static str, sea_query::Value)>,
    now: DateTime<Utc>,
) -> Result<()> {
    let w = load(tx, id).await?;
    if w.status != from || !stored::cas_move(tx, id, from, w.lock_version, values, now).await? {
        return Err(ServiceError::Stale {
            what: "referral_reward",
        });
    }
    Ok(())
}

/// Payout `payment_id` failed and its transfers came back: its rewards are owed again and the
/// clawbacks it netted are owed again. A reward clawed back since it was paid stays clawed
/// back, and the money that came back for it settles what its referrer owed.
pub(crate) async fn payout_failed(tx: &mut Tx, payment_id: i64) -> Result<()> {
    let now = super::now();
    for w in stored::of_payout(tx, payment_id).await? {
        if w.recovered_payout_id == Some(payment_id) {
            stored::cas_move(
                tx,
                w.id,
                "clawed_back",
                w.lock_version,
                vec![
                    ("recovered_payout_id", None::<i64>.into()),
                    ("recovered_at", None::<DateTime<Utc>>.into()),
                ],
                now,
            )
            .await?;
            continue;
        }
        match w.status.as_str() {
            "paid" => {
                let values = vec![
                    ("status", "approved".into()),
                    ("payout_id", None::<i64>.into()),
                ];
                if !stored::cas_move(tx, w.id, "paid", w.lock_version, values, now).await? {
                    return Err(ServiceError::Stale {
                        what: "referral_reward",
                    });
                }
            }
            "clawed_back" if w.recovered_payout_id.is_none() => {
                let key = ledger_keys::clawback_settled(payment_id, w.id);
                post(
                    tx,
                    &key,
                    (REFERRAL_PAYABLE, REFERRAL_RECEIVABLE),
                    code::CLAWBACK_SETTLED,
                    (&w).into(),
                    None,
                    now,
                )
                .await?;
                let values = vec![
                    ("recovered_payout_id", payment_id.into()),
                    ("recovered_at", now.into()),
                ];
                stored::cas_move(tx, w.id, "clawed_back", w.lock_version, values, now).await?;
            }
            _ => {}
        }
    }
    Ok(())
}
