//! Who is owed what out of an escrow, and the transfers that move it: a decision's parts,
//! and a commission payment that must not move the platform's part twice.

use super::*;
use crate::domain::escrow::{Moved, Shares};
use crate::service::analytics::metric;

/// Each party's share of this escrow's gross (its live commission, or the default rate when it
/// has none yet, and its approved external commissions) and what the ledger already moved
/// out of it to each party.
pub async fn shares_and_moved(
    c: &mut impl Conn,
    row: &EscrowRow,
    default_rate_bps: i64,
) -> Result<(Shares, Moved)> {
    let mut moved = Moved::default();
    if let Some(account) = store::ledger::find_account(c, "escrow", &row.currency).await? {
        for (code_, key, amount) in store::escrows::moved_out(c, row.project_id, account).await? {
            tally(&mut moved, code_, &key, amount);
        }
    }
    let commission = store::escrows::live_commission(c, row.project_id)
        .await?
        .map(|(amount, _)| amount);
    let shares = Shares {
        commission: escrow::platform_share(
            commission,
            moved.platform_fee,
            row.amount_held,
            default_rate_bps,
        ),
        contributors: store::escrows::contributor_shares(c, row.project_id).await?,
    };
    Ok((shares, moved))
}

/// Counts a transfer out of escrow towards the party it paid (by its code, and for a
/// contributor by the external commission its key names); other transfers pay no party.
pub fn tally(moved: &mut Moved, code_: i64, key: &str, amount: i64) {
    match code_ {
        code::COMMISSION => moved.platform += amount,
        code::PLATFORM_FEE => {
            moved.platform += amount;
            moved.platform_fee += amount;
        }
        code::RELEASE => moved.developer += amount,
        code::CONTRIBUTOR => {
            if let Some(id) = crate::domain::ledger_keys::contributor_of(key) {
                moved.contributors.push((id, amount));
            }
        }
        _ => {}
    }
}

/// Who is still owed what out of this escrow: it always adds up to what is left.
pub async fn owed(c: &mut impl Conn, row: &EscrowRow, default_rate_bps: i64) -> Result<Owed> {
    let (shares, moved) = shares_and_moved(c, row, default_rate_bps).await?;
    Ok(escrow::owed(row.amounts(), &shares, &moved))
}

/// A transfer out of the project's escrow, in the decision's batch.
#[allow(clippy::too_many_arguments)]
pub(super) async fn move_out(
    tx: &mut Tx,
    row: &EscrowRow,
    to: &str,
    amount: i64,
    code: i64,
    key: &str,
    batch: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if amount <= 0 {
        return Ok(());
    }
    let escrow = store::ledger::account(tx, "escrow", "escrow", &row.currency, now).await?;
    let credit = store::ledger::account(tx, to, to, &row.currency, now).await?;
    store::ledger::post(
        tx,
        &store::ledger::NewTransfer {
            idempotency_key: key,
            debit_account_id: escrow,
            credit_account_id: credit,
            amount,
            currency: &row.currency,
            code,
            project_id: Some(row.project_id),
            batch_id: Some(batch),
            now,
        },
    )
    .await
    .map_err(|e| match e.unique_violation() {
        Some(_) => ServiceError::Stale { what: "escrow" },
        None => e.into(),
    })?;
    let metric = match code {
        code::RELEASE | code::CONTRIBUTOR => Some(metric::RELEASED),
        code::REFUND => Some(metric::REFUNDED),
        _ => None,
    };
    if let Some(m) = metric {
        crate::service::analytics::bump(tx, now, m, &row.currency, amount).await?;
    }
    Ok(())
}

/// Posts the parts of a release of `amount` and returns them.
pub(super) async fn post_release(
    tx: &mut Tx,
    row: &EscrowRow,
    amount: i64,
    batch: &str,
    now: DateTime<Utc>,
) -> Result<Owed> {
    let rate = settings::default_rate_bps(tx).await?;
    let owed = owed(tx, row, rate).await?;
    let parts = escrow::divide(amount, &owed)?;
    let key = |part: &str| format!("{batch}:{part}");
    move_out(
        tx,
        row,
        "developer_payable",
        parts.developer,
        code::RELEASE,
        &key("developer"),
        batch,
        now,
    )
    .await?;
    move_out(
        tx,
        row,
        "platform_revenue",
        parts.platform,
        code::COMMISSION,
        &key("platform"),
        batch,
        now,
    )
    .await?;
    for (ext, part) in &parts.contributors {
        move_out(
            tx,
            row,
            "contributor_payable",
            *part,
            code::CONTRIBUTOR,
            &key(&format!("ext{ext}")),
            batch,
            now,
        )
        .await?;
    }
    Ok(parts)
}

/// What a commission's payment stands on: on a project with an escrow, the platform's
/// commission (or a contributor's share) is paid only from what releases moved to it. Returns
/// the amount moved and the last transfer that moved it, or refuses while some of it is still
/// in escrow or when nothing was ever moved to it (the client got the money back).
pub(crate) async fn moved_for_commission(
    tx: &mut Tx,
    project_id: i64,
    external: Option<i64>,
) -> Result<Option<(i64, i64)>> {
    let Some(row) = store::escrows::of_project(tx, project_id).await? else {
        return Ok(None);
    };
    let rate = settings::default_rate_bps(tx).await?;
    let (shares, moved) = shares_and_moved(tx, &row, rate).await?;
    let owed = escrow::owed(row.amounts(), &shares, &moved);
    let (moved_to, still) = match external {
        None => (moved.platform, owed.platform),
        Some(id) => (
            moved
                .contributors
                .iter()
                .filter(|c| c.0 == id)
                .map(|c| c.1)
                .sum(),
            owed.contributors
                .iter()
                .filter(|c| c.0 == id)
                .map(|c| c.1)
                .sum(),
        ),
    };
    if still > 0 {
        return Err(ServiceError::Domain(DomainError::CommissionInEscrow {
            escrow_id: row.id,
            amount: still,
            currency: row.currency.clone(),
        }));
    }
    if moved_to <= 0 {
        return Err(ServiceError::Domain(DomainError::CommissionNeverReleased {
            escrow_id: row.id,
        }));
    }
    let transfer = store::escrows::last_part_transfer(tx, project_id, external).await?;
    Ok(Some((moved_to, transfer.unwrap_or_default())))
}
