//! `ledger verify`'s business checks, beyond the arithmetic: every payout's status agrees with
//! its transfers, every escrow's status with its amounts, nobody was paid out of an escrow
//! beyond their share, what is owed adds up to what is left, and a commission marked paid
//! stands on money a release moved. Each finding names its record.

use std::collections::HashMap;

use crate::domain::escrow::{self, Amounts, Moved, Shares};
use crate::domain::{EscrowStatus, ledger_keys};
use crate::service::{self, ServiceError};
use crate::store::{self, Conn};

use super::escrow::Discrepancy;

type Result<T> = std::result::Result<T, ServiceError>;

pub const CHECKS: [&str; 6] = [
    "payout_transfers",
    "payable_balances",
    "escrow_status",
    "escrow_parts",
    "escrow_owed",
    "commission_payments",
];

fn found(check: &'static str, subject: String, detail: String) -> Discrepancy {
    Discrepancy {
        check,
        subject,
        detail,
    }
}

/// Every payout was paid out of the payable balance for its amount; a failed one came back
/// exactly once, the others never.
pub async fn payouts(c: &mut impl Conn) -> Result<Vec<Discrepancy>> {
    use crate::store::escrows::code;
    let mut out_of: HashMap<i64, i64> = HashMap::new();
    let mut back: HashMap<i64, i64> = HashMap::new();
    let returned = service::payouts::PAYOUT_RETURN;
    for (code_, key, amount) in store::money_checks::payout_transfers(c, returned).await? {
        let Some(id) = ledger_keys::payout_of(&key) else {
            continue;
        };
        // A netted clawback makes the payout (and its return) smaller.
        let (to, signed) = match code_ {
            r if r == returned => (&mut back, amount),
            code::NETTING_RETURN => (&mut back, -amount),
            code::NETTING => (&mut out_of, -amount),
            _ => (&mut out_of, amount),
        };
        *to.entry(id).or_default() += signed;
    }
    let mut out = Vec::new();
    for (id, amount, currency, status) in store::money_checks::payouts(c).await? {
        let paid = out_of.get(&id).copied().unwrap_or(0);
        let came_back = back.get(&id).copied().unwrap_or(0);
        let expected_back = if status == "failed" { paid } else { 0 };
        if paid != amount || came_back != expected_back {
            out.push(found(
                "payout_transfers",
                format!("payout #{id} ({currency}, {status})"),
                format!(
                    "amount {amount}; paid out {paid}, returned {came_back} (expected {expected_back})"
                ),
            ));
        }
    }
    Ok(out)
}

/// The payable sub-ledger says what the transfers say, project by project.
pub async fn payable_balances(c: &mut impl Conn) -> Result<Vec<Discrepancy>> {
    Ok(store::payable::disagreements(c)
        .await?
        .into_iter()
        .map(|(project, currency, kept, sums)| {
            found(
                "payable_balances",
                format!("project #{project} ({currency})"),
                format!("payable balance kept {kept}, transfers say {sums}"),
            )
        })
        .collect())
}

/// Per escrow: its status is the one its amounts mean, nobody got more than their share of
/// the gross, what is owed adds up to what is left, and every paid commission or contributor
/// share was moved to its party by a release.
pub async fn escrows(c: &mut impl Conn) -> Result<Vec<Discrepancy>> {
    let rate = service::settings::default_rate_bps(c).await?;
    let mut moved: HashMap<i64, Moved> = HashMap::new();
    for (project, code_, key, amount) in store::money_checks::parts_moved(c).await? {
        service::escrow::tally(moved.entry(project).or_default(), code_, &key, amount);
    }
    // The live commission of each project (the newest comes first), its paid ones.
    let mut commission: HashMap<i64, i64> = HashMap::new();
    let mut paid_platform: Vec<(i64, i64)> = Vec::new();
    for (id, project, amount, status) in store::money_checks::commissions(c, "commissions").await? {
        commission.entry(project).or_insert(amount);
        if status == "paid" {
            paid_platform.push((id, project));
        }
    }
    let mut contributors: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    let mut paid_ext: Vec<(i64, i64)> = Vec::new();
    for (id, project, amount, status) in
        store::money_checks::commissions(c, "ext_commissions").await?
    {
        if status != "pending" {
            contributors.entry(project).or_default().push((id, amount));
        }
        if status == "paid" {
            paid_ext.push((id, project));
        }
    }
    let mut out = Vec::new();
    let mut escrow_of: HashMap<i64, i64> = HashMap::new();
    for (id, project, currency, held, released, refunded, status) in
        store::money_checks::escrows(c).await?
    {
        escrow_of.insert(project, id);
        let amounts = Amounts {
            held,
            released,
            refunded,
        };
        let subject = format!("escrow #{id} ({currency})");
        if let Some(why) = status_disagrees(&status, amounts) {
            out.push(found("escrow_status", subject.clone(), why));
        }
        let mut their = contributors.get(&project).cloned().unwrap_or_default();
        their.sort();
        let m = moved.get(&project).cloned().unwrap_or_default();
        let shares = Shares {
            commission: escrow::platform_share(
                commission.get(&project).copied(),
                m.platform_fee,
                held,
                rate,
            ),
            contributors: their,
        };
        for (party, got, share) in escrow::overpaid(held, &shares, &m) {
            out.push(found(
                "escrow_parts",
                subject.clone(),
                format!("{party} received {got}, beyond its share of {share}"),
            ));
        }
        let left = amounts.remaining();
        let owed = escrow::owed(amounts, &shares, &m);
        if left < 0 || owed.total() != left.max(0) {
            out.push(found(
                "escrow_owed",
                subject,
                format!("owed {} but {left} is left", owed.total()),
            ));
        }
    }
    for (kind, paid) in [("commission", paid_platform), ("ext_commission", paid_ext)] {
        for (id, project) in paid {
            let Some(escrow) = escrow_of.get(&project) else {
                continue;
            };
            let m = moved.get(&project);
            let got = match kind {
                "commission" => m.map_or(0, |m| m.platform),
                _ => m.map_or(0, |m| {
                    m.contributors
                        .iter()
                        .filter(|c| c.0 == id)
                        .map(|c| c.1)
                        .sum()
                }),
            };
            if got == 0 {
                out.push(found(
                    "commission_payments",
                    format!("{kind} #{id}"),
                    format!("marked paid, but no release of escrow #{escrow} moved anything to it"),
                ));
            }
        }
    }
    Ok(out)
}

/// Why an escrow's status is not the one its amounts mean (None: it is).
fn status_disagrees(status: &str, a: Amounts) -> Option<String> {
    let status = EscrowStatus::parse(status).ok()?;
    let ok = match status {
        EscrowStatus::AwaitingFunds | EscrowStatus::Expired => {
            a.held == 0 && a.released == 0 && a.refunded == 0
        }
        EscrowStatus::Disputed => a.remaining() > 0,
        _ => a.held > 0 && a.status() == status,
    };
    (!ok).then(|| {
        format!(
            "status {} but held {}, released {}, refunded {}",
            status.as_str(),
            a.held,
            a.released,
            a.refunded
        )
    })
}
