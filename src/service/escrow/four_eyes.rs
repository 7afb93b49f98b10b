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
    /// Carried out now: alone (within the threshold) or as the second of two approvers
    /// (`second_of`: who took the first approval).
    Proceed {
        second_of: Option<i64>,
    },
    Requested,
}

/// Four-eyes on escrow decisions, the rules of commissions: the project's client and developer
/// never decide; when what one finance member has moved alone on this escrow plus this
/// decision goes above `commission.dual_approval_threshold`, the decision is recorded as a
/// first approval and a second, different finance member carries out the same one, so
/// splitting a move into steps never avoids the threshold. A waiting decision blocks any
/// other until it is carried out or withdrawn.
pub(super) async fn second_approval(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    row: &EscrowRow,
    asked: &Asked,
) -> Result<Gate> {
    match check(tx, actor.id, row, asked).await? {
        Check::Alone => Ok(Gate::Proceed { second_of: None }),
        Check::Second { .. } => Ok(Gate::Proceed {
            second_of: row.pending_by,
        }),
        Check::NeedsSecond { .. } => request(tx, actor, origin, row, asked).await,
    }
}

/// What four-eyes says of `asked` by `actor_id` on this escrow, without writing anything (the
/// confirmation says it before `y`, the decision acts on it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// Within the threshold: carried out by this person alone.
    Alone,
    /// The same decision another finance member approved first: carried out now.
    Second { first: String },
    /// What this person moved alone on this escrow would become `total`, above `threshold`:
    /// recorded as a first approval.
    NeedsSecond { total: i64, threshold: i64 },
}

pub async fn check(
    c: &mut impl Conn,
    actor_id: i64,
    row: &EscrowRow,
    asked: &Asked,
) -> Result<Check> {
    if actor_id == row.client_id {
        return Err(ServiceError::FourEyes(crate::service::FourEyes::Client));
    }
    if row.developer_id == Some(actor_id) {
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
        if row.pending_by == Some(actor_id) {
            return Err(ServiceError::FourEyes(
                crate::service::FourEyes::SameApprover,
            ));
        }
        return Ok(Check::Second {
            first: row.pending_by_name.clone().unwrap_or_default(),
        });
    }
    let threshold = settings::dual_approval_threshold(c, &row.currency).await?;
    let total = moved_alone(c, actor_id, row.id).await? + asked.amount;
    Ok(match threshold {
        Some(t) if total > t => Check::NeedsSecond {
            total,
            threshold: t,
        },
        _ => Check::Alone,
    })
}

/// Records the decision as its first approval and asks the other finance members.
async fn request(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    row: &EscrowRow,
    asked: &Asked,
) -> Result<Gate> {
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
                "escrow_id": row.id, "action": asked.action, "amount": asked.amount, "currency": row.currency,
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

/// What `actor_id` has moved out of escrow `escrow_id` (released, refunded, decided) without
/// a second approver, read back from the escrow's audit rows: a decision carried out as a
/// second approval names its first approver (`second_of`) and does not count.
pub async fn moved_alone(c: &mut impl Conn, actor_id: i64, escrow_id: i64) -> Result<i64> {
    let filter = store::audit::AuditFilter {
        user_id: Some(actor_id),
        auditable_type: Some("escrow".into()),
        auditable_id: Some(escrow_id),
        ..store::audit::AuditFilter::default()
    };
    let rows = store::audit::page(c, &filter, &store::page::Anchor::First, 1_000)
        .await?
        .rows;
    let field = |v: &Option<JsonValue>, name: &str| -> i64 {
        v.as_ref()
            .and_then(|v| v.get(name))
            .and_then(JsonValue::as_i64)
            .unwrap_or(0)
    };
    Ok(rows
        .iter()
        .filter(|r| {
            matches!(
                r.event.as_str(),
                "released" | "refunded" | "dispute_decided"
            )
        })
        .filter(|r| {
            r.new_values
                .as_ref()
                .and_then(|v| v.get("second_of"))
                .is_none_or(JsonValue::is_null)
        })
        .map(|r| {
            let delta = |name: &str| field(&r.new_values, name) - field(&r.old_values, name);
            delta("amount_released") + delta("amount_refunded")
        })
        .sum())
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
            message: crate::service::Said::new("nothing_waiting"),
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
