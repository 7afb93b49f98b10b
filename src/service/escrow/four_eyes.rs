//! Four-eyes on escrow decisions: the project's client and developer never decide; above the
//! dual-approval threshold the first decision waits for a second, different finance member.

use super::*;

/// How a decision ended: carried out, or (above the dual-approval threshold) recorded as the
/// first approval, waiting for a second, different finance member to take the same decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decided<T> {
    Done(T),
    FirstApproval,
}

impl<T> Decided<T> {
    pub fn done(self) -> Option<T> {
        match self {
            Decided::Done(t) => Some(t),
            Decided::FirstApproval => None,
        }
    }
}

/// A decision as it waits for its second approval: the second finance member must ask for
/// exactly the same.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Asked {
    /// release, refund or dispute.
    pub action: String,
    /// The amount it moves (for a dispute, everything left).
    pub amount: i64,
    /// A dispute's part for the client.
    #[serde(default)]
    pub client: Option<i64>,
}

pub(crate) enum Gate {
    Proceed,
    Requested,
}

/// Four-eyes on escrow decisions, the rules of commissions: the project's client and developer
/// never decide; above `commission.dual_approval_threshold` the first decision is recorded and
/// a second, different finance member carries out the same one. A waiting decision blocks any
/// other until it is carried out or withdrawn.
pub(super) async fn second_approval(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    row: &EscrowRow,
    asked: &Asked,
) -> Result<Gate> {
    if actor.id == row.client_id {
        return Err(ServiceError::FourEyes(crate::service::FourEyes::Client));
    }
    if row.developer_id == Some(actor.id) {
        return Err(ServiceError::FourEyes(crate::service::FourEyes::Developer));
    }
    let waiting: Option<Asked> = row
        .pending_decision
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    if let Some(w) = waiting {
        if &w != asked {
            return Err(ServiceError::AwaitingSecond {
                by: row.pending_by_name.clone().unwrap_or_default(),
                at: row.pending_at.unwrap_or_default(),
                action: w.action,
                amount: w.amount,
                currency: row.currency.clone(),
            });
        }
        if row.pending_by == Some(actor.id) {
            return Err(ServiceError::FourEyes(
                crate::service::FourEyes::SameApprover,
            ));
        }
        return Ok(Gate::Proceed);
    }
    let threshold = settings::dual_approval_threshold(tx, &row.currency).await?;
    if threshold.is_none_or(|t| asked.amount <= t) {
        return Ok(Gate::Proceed);
    }
    let now = crate::service::now();
    let json = serde_json::to_value(asked).map_err(|e| ServiceError::Internal(e.to_string()))?;
    if !store::escrows::set_pending(
        tx,
        row.id,
        row.lock_version,
        Some((json.clone(), actor.id)),
        now,
    )
    .await?
    {
        return Err(ServiceError::Stale { what: "escrow" });
    }
    let second: Vec<Notice> = second_approvers(tx, actor.id)
        .await?
        .into_iter()
        .map(|user_id| Notice {
            user_id,
            class: "App\\Notifications\\EscrowDecisionRequested",
            kind: "escrow.decision_requested",
            params: json!({
                "project_title": row.project_title, "project_id": row.project_id,
                "action": asked.action, "amount": asked.amount, "currency": row.currency,
            }),
        })
        .collect();
    record(
        tx,
        Some(actor),
        origin,
        Change {
            event: "decision_requested",
            subject_type: "escrow",
            subject_id: row.id,
            diff: Diff::new().field("pending_decision", JsonValue::Null, json),
            notices: second,
            webhook: None,
        },
    )
    .await?;
    Ok(Gate::Requested)
}

/// Staff who may take the second approval of an escrow decision (not `except`).
async fn second_approvers(tx: &mut Tx, except: i64) -> Result<Vec<i64>> {
    let roles: Vec<&str> = crate::domain::access::staff_roles()
        .filter(|r| r.grants(crate::domain::Permission::EscrowRelease))
        .map(|r| r.as_str())
        .collect();
    Ok(store::users::staff(tx, &roles)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .filter(|id| *id != except)
        .collect())
}

/// Withdraws the decision waiting for a second approval (anyone who may take it), audited.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    seen: Option<i64>,
) -> Result<()> {
    let (mut tx, actor, row) = open(db, actor, UseCase::EscrowRelease, id, seen).await?;
    let Some(waiting) = row.pending_decision.clone() else {
        return Err(ServiceError::Invalid {
            field: "escrow",
            message: "no decision is waiting for a second approval".into(),
        });
    };
    let now = crate::service::now();
    if !store::escrows::set_pending(&mut tx, row.id, row.lock_version, None, now).await? {
        return Err(ServiceError::Stale { what: "escrow" });
    }
    let was: JsonValue = serde_json::from_str(&waiting).unwrap_or(JsonValue::Null);
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "decision_withdrawn",
            subject_type: "escrow",
            subject_id: row.id,
            diff: Diff::new().field("pending_decision", was, JsonValue::Null),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(())
}
