//! What may be decided on a commission as it stands: its state, four-eyes, the second approver.
//! The service checks them in its transaction; screens ask first, before any confirmation.

use crate::domain::CommissionStatus;
use crate::store::commissions::CommissionRow;

use crate::service::{Actor, FourEyes, Result, ServiceError};

/// "already approved by Awa Diop at 10:42" for a row that is no longer pending.
pub(super) fn already_decided(row: &CommissionRow) -> ServiceError {
    let (by, at) = match row.status.as_str() {
        "approved" => (row.approver_name.clone(), row.approved_at),
        "rejected" => (row.rejecter_name.clone(), row.rejected_at),
        "paid" => (row.payer_name.clone(), row.paid_at),
        _ => (row.canceller_name.clone(), row.cancelled_at),
    };
    ServiceError::AlreadyDecided {
        status: row.status.clone(),
        by: by.unwrap_or_else(|| "someone else".into()),
        at: at.or(row.created_at).unwrap_or_default(),
    }
}

/// A decision on a commission, as a screen offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Pay,
    Cancel,
}

/// Why `actor` may not take `decision` on `row` as it stands (None: nothing in the row stops
/// it): a state it is no longer in, naming who moved it and when; four-eyes; the second
/// approval by the first approver. The service decides again in its transaction; screens ask
/// first so the refusal comes before any confirmation.
pub fn refusal(actor: &Actor, row: &CommissionRow, decision: Decision) -> Option<ServiceError> {
    let status = CommissionStatus::parse(&row.status).ok()?;
    let state = match decision {
        Decision::Approve | Decision::Reject => status == CommissionStatus::Pending,
        Decision::Pay => status == CommissionStatus::Approved,
        Decision::Cancel => status.can_transition_to(CommissionStatus::Cancelled),
    };
    if !state {
        if decision == Decision::Pay && status == CommissionStatus::Pending {
            return Some(ServiceError::Invalid {
                field: "status",
                message: crate::service::Said::new("approve_first"),
            });
        }
        return Some(already_decided(row));
    }
    if decision == Decision::Cancel {
        return None;
    }
    if let Err(e) = check_four_eyes(actor, row) {
        return Some(e);
    }
    if decision == Decision::Approve && row.first_approved_by == Some(actor.id) {
        return Some(ServiceError::FourEyes(FourEyes::SameApprover));
    }
    None
}

/// Four-eyes: the requester, the project's client and its developer never decide.
fn check_four_eyes(actor: &Actor, row: &CommissionRow) -> Result<()> {
    if actor.id == row.requested_by {
        return Err(ServiceError::FourEyes(FourEyes::Requester));
    }
    if actor.id == row.client_id {
        return Err(ServiceError::FourEyes(FourEyes::Client));
    }
    if row.developer_id == Some(actor.id) {
        return Err(ServiceError::FourEyes(FourEyes::Developer));
    }
    Ok(())
}
