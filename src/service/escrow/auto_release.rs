//! Auto-release: what clients left unanswered for `escrow.auto_release_days` after a
//! delivery is released once, by whoever runs it (a staff member or the worker's identity).

use super::*;

/// Escrows the client left unanswered after a delivery for `escrow.auto_release_days`.
pub async fn due_for_auto_release(c: &mut impl Conn, now: DateTime<Utc>) -> Result<Vec<EscrowRow>> {
    let days = settings::auto_release_days(c).await?;
    let filter = store::escrows::Filter {
        delivered_before: Some(now - Duration::days(days)),
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut anchor = store::Anchor::First;
    loop {
        let page = store::escrows::page(c, &filter, &anchor, 200).await?;
        let last = page.rows.last().map(|r| store::page::Cursor::id(r.id));
        out.extend(page.rows);
        match (page.has_after, last) {
            (true, Some(cursor)) => anchor = store::Anchor::After(cursor),
            _ => break,
        }
    }
    Ok(out)
}

/// Releases everything left in each escrow due for auto-release, as `actor` (a staff member
/// running `obryl escrow auto-release`, or the identity the worker acts as), who needs
/// `escrow.release` now: re-read before anything is read and again inside each release's
/// transaction, so a right lost midway stops the run with nothing half-written. Idempotent:
/// a released escrow is no longer due. Returns (escrow id, amount released) for each.
pub async fn auto_release(db: &Db, actor: &Actor, origin: &Origin) -> Result<Vec<(i64, i64)>> {
    auto_release_due(db, actor, origin).await
}

/// [`auto_release`], the worker's scheduled job.
pub async fn auto_release_due(db: &Db, actor: &Actor, origin: &Origin) -> Result<Vec<(i64, i64)>> {
    access::authorize(db, actor, UseCase::EscrowRelease).await?;
    let due = {
        let mut c = db.clone();
        due_for_auto_release(&mut c, crate::service::now()).await?
    };
    let mut done = Vec::new();
    for row in due {
        let (mut tx, fresh) = access::begin(db, actor, UseCase::EscrowRelease).await?;
        // Read again inside the transaction: another run may have released it meanwhile.
        let row = load(&mut tx, row.id).await?;
        if !matches!(
            status_of(&row)?,
            EscrowStatus::Held | EscrowStatus::PartiallyReleased
        ) || row.amounts().remaining() == 0
        {
            continue;
        }
        let amount = row.amounts().remaining();
        let amounts = row.amounts().take(amount, false, &row.currency)?;
        let now = crate::service::now();
        let batch = format!("release:e{}:v{}", row.id, row.lock_version);
        let parts = post_release(&mut tx, &row, amount, &batch, now).await?;
        match save(&mut tx, &row, amounts, now).await {
            Err(ServiceError::Stale { .. }) => continue,
            other => other?,
        }
        system_message(&mut tx, &row, "escrow.system.auto_released", amount, now).await?;
        let diff = Diff::new()
            .field("amount_released", row.amount_released, amounts.released)
            .field("status", row.status.as_str(), amounts.status().as_str())
            .field("parts", JsonValue::Null, parts_json(&parts))
            .field("auto_release", JsonValue::Null, true);
        record_and_commit(
            tx,
            Some(&fresh),
            origin,
            Change {
                event: "auto_released",
                subject_type: "escrow",
                subject_id: row.id,
                diff,
                notices: notices(&row, "escrow.auto_released", amount),
                webhook: Some("escrow.released"),
            },
        )
        .await?;
        done.push((row.id, amount));
    }
    Ok(done)
}
