//! Approving several referral rewards at once (the `:rewards` view's marked rows, `obryl
//! referral reward approve ID ID …`): each through `referral_decisions::approve` in its own
//! transaction, so its hold, four-eyes, permission and audit row apply to it alone and one
//! refusal never blocks the others.

use crate::store::Db;

use super::referral_decisions::{self, Approval, Second};
use super::{Actor, Origin, Result, ServiceError};

/// What became of one reward of a bulk approval.
#[derive(Debug)]
pub enum Outcome {
    Approved,
    /// The first approval is recorded: a second, different approver is needed, and why.
    FirstOfTwo(Second),
    /// Refused, with the reason ("already approved by Awa Diop at 10:42", a hold, four-eyes).
    Refused(ServiceError),
}

/// Each reward asked and what became of it, in the order asked.
#[derive(Debug, Default)]
pub struct BulkReport {
    pub results: Vec<(i64, Outcome)>,
}

impl BulkReport {
    pub fn approved(&self) -> usize {
        self.results
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Approved))
            .count()
    }

    pub fn first_of_two(&self) -> impl Iterator<Item = (i64, &Second)> {
        self.results.iter().filter_map(|(id, o)| match o {
            Outcome::FirstOfTwo(why) => Some((*id, why)),
            _ => None,
        })
    }

    pub fn refused(&self) -> impl Iterator<Item = (i64, &ServiceError)> {
        self.results.iter().filter_map(|(id, o)| match o {
            Outcome::Refused(e) => Some((*id, e)),
            _ => None,
        })
    }
}

/// Approves each reward of `ids` (a repeated id once), each in its own transaction. Stops
/// early only when the database connection is lost; the rewards decided before stay so.
pub async fn approve_many(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    ids: &[i64],
) -> Result<BulkReport> {
    let mut report = BulkReport::default();
    let mut seen = std::collections::BTreeSet::new();
    for &id in ids {
        if !seen.insert(id) {
            continue;
        }
        let outcome = match referral_decisions::approve(db, actor, origin, id).await {
            Ok(Approval::Approved) => Outcome::Approved,
            Ok(Approval::FirstOfTwo(why)) => Outcome::FirstOfTwo(why),
            Err(e) if e.is_connection_lost() => return Err(e),
            Err(e) => Outcome::Refused(e),
        };
        report.results.push((id, outcome));
    }
    Ok(report)
}
