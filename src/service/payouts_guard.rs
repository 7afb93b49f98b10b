//! Marking a payout sent or failed takes a payout: a collection or a refund with the same id
//! is refused before anything is written, naming the rule ("payment #254 is not a payout"),
//! instead of the provider's answer being recorded on the wrong kind of transaction.

use crate::store::{self, Conn};

use super::{Result, ServiceError};

/// Refuses unless payment transaction `id` is a payout: a missing one is "payment not
/// found", another direction "not a payout" (both refusals: nothing was written).
pub async fn require_payout(c: &mut impl Conn, id: i64) -> Result<()> {
    let p = store::payments::get(c, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "payment",
            key: id.to_string(),
        })?;
    if p.direction != "payout" {
        return Err(ServiceError::NotFound {
            what: "payout",
            key: id.to_string(),
        });
    }
    Ok(())
}
