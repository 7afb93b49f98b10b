//! The analytics rollup, kept in the transaction of every write that changes a metric
//! (`bump`), and rebuilt from the source tables (`rebuild`, permission `analytics.view`: it
//! only recomputes what the source tables already say). Definitions: docs/ANALYTICS.md.

use chrono::{DateTime, Utc};
use serde_json::Value as JsonValue;

use crate::domain::{ProjectStatus, TicketStatus, UseCase};
use crate::store::{self, Db, Tx};

pub use crate::store::analytics::metric;

use super::access;
use super::record::{Change, Diff, record_and_commit};
use super::{Actor, Origin, Result};

/// Adds `delta` to `metric` on the UTC day of `at` (currency '' for counts).
pub(crate) async fn bump(
    tx: &mut Tx,
    at: DateTime<Utc>,
    metric: &str,
    currency: &str,
    delta: i64,
) -> Result<()> {
    store::analytics::bump(tx, at.date_naive(), metric, currency, delta).await?;
    Ok(())
}

/// A project reaching completed or cancelled (both final) counts on that day.
pub(crate) async fn bump_project_end(
    tx: &mut Tx,
    now: DateTime<Utc>,
    to: ProjectStatus,
) -> Result<()> {
    match to {
        ProjectStatus::Completed => bump(tx, now, metric::PROJECTS_COMPLETED, "", 1).await,
        ProjectStatus::Cancelled => bump(tx, now, metric::PROJECTS_CANCELLED, "", 1).await,
        _ => Ok(()),
    }
}

/// A paid platform commission that earned referral rewards: its amount counts once as
/// referred revenue, and the rewards (`amounts`) as earned, on the day it was paid.
pub(crate) async fn bump_referral(
    tx: &mut Tx,
    paid_at: DateTime<Utc>,
    currency: &str,
    commission: i64,
    amounts: impl IntoIterator<Item = i64>,
) -> Result<()> {
    let rewards: i64 = amounts.into_iter().sum();
    bump(tx, paid_at, metric::REFERRED_REVENUE, currency, commission).await?;
    bump(tx, paid_at, metric::REFERRAL_REWARDS, currency, rewards).await
}

/// A ticket counts as solved on the day of its `resolved_at`: solving stamps it, reopening
/// clears it, so the day it was solved on loses it again.
pub(crate) async fn bump_ticket_status(
    tx: &mut Tx,
    now: DateTime<Utc>,
    to: TicketStatus,
    from: TicketStatus,
    resolved_at: Option<DateTime<Utc>>,
) -> Result<()> {
    match (from, to, resolved_at) {
        (_, TicketStatus::Solved, _) => bump(tx, now, metric::TICKETS_SOLVED, "", 1).await,
        (TicketStatus::Solved, TicketStatus::Open, Some(at)) => {
            bump(tx, at, metric::TICKETS_SOLVED, "", -1).await
        }
        _ => Ok(()),
    }
}

/// Recomputes the whole rollup from the source tables in one transaction, audited. Returns
/// the rows written.
pub async fn rebuild(db: &Db, actor: &Actor, origin: &Origin) -> Result<u64> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::AnalyticsRebuild).await?;
    let rows = store::analytics::rebuild_in(&mut tx).await?;
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "rebuilt",
            subject_type: "analytics",
            subject_id: 0,
            diff: Diff::new().field("rows", JsonValue::Null, rows),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(rows)
}
