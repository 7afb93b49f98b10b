//! The commission queue as finance reads it: store rows with the dual-approval threshold of
//! their currency attached, so every front end can tell which need a second approver.

use crate::domain::Locale;
use crate::service::{self, ServiceError};
use crate::store::commissions::{CommissionRow, Filter, Kind, Sort};
use crate::store::{self, Anchor, Conn, Page};

/// A page of commissions, each knowing whether it needs two approvers.
pub async fn page(
    c: &mut impl Conn,
    kind: Kind,
    filter: &Filter,
    sort: Sort,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<CommissionRow>, ServiceError> {
    let mut page = store::commissions::page(c, kind, filter, sort, anchor, limit).await?;
    let thresholds = service::settings::dual_approval_thresholds(c).await?;
    for row in &mut page.rows {
        row.dual_threshold = thresholds.get(&row.currency).copied();
    }
    Ok(page)
}

/// One commission, knowing whether it needs two approvers.
pub async fn get(c: &mut impl Conn, kind: Kind, id: i64) -> Result<CommissionRow, ServiceError> {
    let mut row = store::commissions::get(c, kind, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "commission",
            key: id.to_string(),
        })?;
    row.dual_threshold = service::settings::dual_approval_threshold(c, &row.currency).await?;
    Ok(row)
}

/// The status as lists show it, with the dual-approval state: "2✓" when two approvers are
/// needed, "½" once the first of the two is in.
pub fn status_cell(r: &CommissionRow, locale: Locale) -> String {
    let status = super::format::status("commission", &r.status, locale);
    if r.status != "pending" {
        status
    } else if r.first_approved_by.is_some() {
        format!("{status} ½")
    } else if r.needs_two() {
        format!("{status} 2✓")
    } else {
        status
    }
}
