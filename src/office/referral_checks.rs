//! `ledger verify`'s referral checks: every reward's state is what its transfers say, and the
//! referral accounts hold what the rewards' states say they hold.
//!
//! Per reward, from the transfers that name it: owed (approval less reversal), paid out (by
//! payouts that did not fail), clawed back, recovered (netted by a payout that did not fail,
//! or settled by a failed one's return). Then by status:
//!
//! | status               | owed   | paid out | clawed back | recovered |
//! |----------------------|--------|----------|-------------|-----------|
//! | held, pending, rejected, cancelled | 0 | 0 | 0      | 0         |
//! | approved             | amount | 0        | 0           | 0         |
//! | paid                 | amount | amount   | 0           | 0         |
//! | clawed back, open    | amount | amount   | amount      | 0         |
//! | clawed back, netted  | amount | amount   | amount      | amount    |
//! | clawed back, settled | amount | 0        | amount      | amount    |
//!
//! And per currency: the referral payable holds the approved rewards, the referral receivable
//! the open clawbacks.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::domain::ledger_keys;
use crate::service::ServiceError;
use crate::service::referral_money::{REFERRAL_PAYABLE, REFERRAL_RECEIVABLE};
use crate::store::escrows::code;
use crate::store::{self, Conn};

use super::escrow::Discrepancy;

type Result<T> = std::result::Result<T, ServiceError>;

pub const CHECKS: [&str; 2] = ["referral_rewards", "referral_accounts"];

/// What the transfers say of one reward.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Moved {
    owed: i64,
    paid_out: i64,
    clawed_back: i64,
    recovered: i64,
}

fn expected(status: &str, recovered: bool, amount: i64, moved: &Moved) -> Option<Moved> {
    let a = amount;
    Some(match (status, recovered) {
        ("held" | "pending" | "rejected" | "cancelled", _) => Moved::default(),
        ("approved", _) => Moved {
            owed: a,
            ..Moved::default()
        },
        ("paid", _) => Moved {
            owed: a,
            paid_out: a,
            ..Moved::default()
        },
        ("clawed_back", false) => Moved {
            owed: a,
            paid_out: a,
            clawed_back: a,
            recovered: 0,
        },
        // Netted by a later payout, or settled when its own payout failed (never paid out).
        ("clawed_back", true) => Moved {
            owed: a,
            paid_out: if moved.paid_out == 0 { 0 } else { a },
            clawed_back: a,
            recovered: a,
        },
        _ => return None,
    })
}

pub async fn rewards(c: &mut impl Conn) -> Result<Vec<Discrepancy>> {
    let failed: HashSet<i64> = store::money_checks::payouts(c)
        .await?
        .into_iter()
        .filter(|p| p.3 == "failed")
        .map(|p| p.0)
        .collect();
    let mut by: HashMap<i64, Moved> = HashMap::new();
    for (code_, key, amount) in store::referral_money::transfers_for_checks(c).await? {
        let Some(id) = ledger_keys::reward_of(&key) else {
            continue;
        };
        let live = ledger_keys::payout_of(&key).is_none_or(|p| !failed.contains(&p));
        let m = by.entry(id).or_default();
        match code_ {
            code::REFERRAL => m.owed += amount,
            code::REFERRAL_REVERSAL => m.owed -= amount,
            code::CLAWBACK => m.clawed_back += amount,
            code::PAYOUT if live => m.paid_out += amount,
            code::NETTING if live => m.recovered += amount,
            code::CLAWBACK_SETTLED => m.recovered += amount,
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut payable: BTreeMap<String, i64> = BTreeMap::new();
    let mut receivable: BTreeMap<String, i64> = BTreeMap::new();
    for (id, amount, currency, status, recovered) in
        store::referral_money::all_for_checks(c).await?
    {
        let moved = by.remove(&id).unwrap_or_default();
        match (status.as_str(), recovered) {
            ("approved", _) => *payable.entry(currency.clone()).or_default() += amount,
            ("clawed_back", false) => *receivable.entry(currency.clone()).or_default() += amount,
            _ => {}
        }
        if expected(&status, recovered, amount, &moved) != Some(moved) {
            out.push(Discrepancy {
                check: "referral_rewards",
                subject: format!("referral reward #{id} ({amount} {currency}, {status})"),
                detail: format!(
                    "owed {}, paid out {}, clawed back {}, recovered {}",
                    moved.owed, moved.paid_out, moved.clawed_back, moved.recovered
                ),
            });
        }
    }
    for (id, moved) in by {
        out.push(Discrepancy {
            check: "referral_rewards",
            subject: format!("referral reward #{id}"),
            detail: format!(
                "transfers name a reward that does not exist (owed {})",
                moved.owed
            ),
        });
    }
    out.extend(accounts(c, &payable, &receivable).await?);
    Ok(out)
}

/// The referral payable holds the approved rewards; the referral receivable (debits over
/// credits) the clawbacks still owed.
async fn accounts(
    c: &mut impl Conn,
    payable: &BTreeMap<String, i64>,
    receivable: &BTreeMap<String, i64>,
) -> Result<Vec<Discrepancy>> {
    let mut held: BTreeMap<(&str, String), i64> = BTreeMap::new();
    for a in store::ledger::accounts(c).await? {
        let balance = a.credits_posted - a.debits_posted;
        match a.code.as_str() {
            REFERRAL_PAYABLE => *held.entry((REFERRAL_PAYABLE, a.currency)).or_default() += balance,
            REFERRAL_RECEIVABLE => {
                *held.entry((REFERRAL_RECEIVABLE, a.currency)).or_default() -= balance
            }
            _ => {}
        }
    }
    let mut want: BTreeMap<(&str, String), i64> = BTreeMap::new();
    for (cur, a) in payable {
        want.insert((REFERRAL_PAYABLE, cur.clone()), *a);
    }
    for (cur, a) in receivable {
        want.insert((REFERRAL_RECEIVABLE, cur.clone()), *a);
    }
    let keys: HashSet<(&str, String)> = held.keys().chain(want.keys()).cloned().collect();
    let mut out = Vec::new();
    let mut keys: Vec<_> = keys.into_iter().collect();
    keys.sort();
    for key in keys {
        let (h, w) = (
            held.get(&key).copied().unwrap_or(0),
            want.get(&key).copied().unwrap_or(0),
        );
        if h != w {
            out.push(Discrepancy {
                check: "referral_accounts",
                subject: format!("{} ({})", key.0, key.1),
                detail: format!("holds {h}, the rewards say {w}"),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_has_its_transfers() {
        let m = |owed, paid_out, clawed_back, recovered| Moved {
            owed,
            paid_out,
            clawed_back,
            recovered,
        };
        assert_eq!(
            expected("held", false, 5, &m(0, 0, 0, 0)),
            Some(m(0, 0, 0, 0))
        );
        assert_eq!(
            expected("approved", false, 5, &m(0, 0, 0, 0)),
            Some(m(5, 0, 0, 0))
        );
        assert_eq!(
            expected("paid", false, 5, &m(0, 0, 0, 0)),
            Some(m(5, 5, 0, 0))
        );
        assert_eq!(
            expected("clawed_back", false, 5, &m(0, 0, 0, 0)),
            Some(m(5, 5, 5, 0))
        );
        assert_eq!(
            expected("clawed_back", true, 5, &m(5, 5, 5, 5)),
            Some(m(5, 5, 5, 5))
        );
        assert_eq!(
            expected("clawed_back", true, 5, &m(5, 0, 5, 5)),
            Some(m(5, 0, 5, 5))
        );
        assert_eq!(expected("bogus", false, 5, &m(0, 0, 0, 0)), None);
    }
}
