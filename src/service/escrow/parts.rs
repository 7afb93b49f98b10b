//! Who is owed what out of an escrow, and the transfers that move it: a decision's parts,
//! and a commission payment that must not move the platform's part twice.

use super::*;
use crate::service::analytics::metric;

/// Who is still owed what out of this escrow, from its commission, its approved external
/// commissions and what the ledger already moved out of it.
pub async fn owed(c: &mut impl Conn, row: &EscrowRow, default_rate_bps: i64) -> Result<Owed> {
    let Some(account) = store::ledger::find_account(c, "escrow", &row.currency).await? else {
        return Ok(Owed::default());
    };
    let moved = store::escrows::moved_out(c, row.project_id, account).await?;
    let sum = |codes: &[i64]| -> i64 {
        moved
            .iter()
            .filter(|m| codes.contains(&m.0))
            .map(|m| m.2)
            .sum()
    };
    let commission = match store::escrows::live_commission(c, row.project_id).await? {
        Some((amount, _)) => amount,
        None => commission::commission_amount(row.amount_held, default_rate_bps)?,
    };
    let contributors: Vec<(i64, i64, i64)> = store::escrows::contributor_shares(c, row.project_id)
        .await?
        .into_iter()
        .map(|(id, amount)| {
            let mine = |key: &str| {
                key.starts_with(&format!("ext_commission:{id}:"))
                    || key.ends_with(&format!(":ext{id}"))
            };
            let moved_to = moved
                .iter()
                .filter(|m| m.0 == code::CONTRIBUTOR && mine(&m.1))
                .map(|m| m.2)
                .sum();
            (id, amount, moved_to)
        })
        .collect();
    Ok(escrow::owed(
        row.amount_held,
        commission,
        sum(&[code::COMMISSION, code::PLATFORM_FEE]),
        &contributors,
        sum(&[code::RELEASE]),
    ))
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

/// How much of an approved commission's amount the ledger still has to move out of the
/// project's escrow when it is paid (releases may already have moved the platform's part).
pub(crate) async fn commission_still_in_escrow(
    tx: &mut Tx,
    project_id: i64,
    amount: i64,
    external: Option<i64>,
) -> Result<i64> {
    let Some(row) = store::escrows::of_project(tx, project_id).await? else {
        return Ok(amount);
    };
    let Some(account) = store::ledger::find_account(tx, "escrow", &row.currency).await? else {
        return Ok(amount);
    };
    let moved = store::escrows::moved_out(tx, project_id, account).await?;
    let already: i64 = moved
        .iter()
        .filter(|m| match external {
            None => m.0 == code::COMMISSION || m.0 == code::PLATFORM_FEE,
            Some(id) => {
                m.0 == code::CONTRIBUTOR
                    && (m.1.starts_with(&format!("ext_commission:{id}:"))
                        || m.1.ends_with(&format!(":ext{id}")))
            }
        })
        .map(|m| m.2)
        .sum();
    Ok((amount - already).clamp(0, row.amounts().remaining().max(0)))
}

/// After a commission's payment moved `amount` out of the project's escrow: the escrow row
/// follows (released grows, the status with it).
pub(crate) async fn follow_commission_payment(
    tx: &mut Tx,
    project_id: i64,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if amount <= 0 {
        return Ok(());
    }
    let Some(row) = store::escrows::of_project(tx, project_id).await? else {
        return Ok(());
    };
    let amounts = row.amounts().take(amount, false, &row.currency)?;
    // The payment is not refused for the escrow's state: its money already left escrow.
    let status = amounts.status();
    if !store::escrows::cas_update(tx, row.id, row.lock_version, amounts, status.as_str(), now)
        .await?
    {
        return Err(ServiceError::Stale { what: "escrow" });
    }
    Ok(())
}
