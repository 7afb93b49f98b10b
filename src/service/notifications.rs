//! A staff member's own notifications: marking them read.

use crate::domain::UseCase;
use crate::store::{self, Db};

use super::access;
use super::{Actor, Result};

/// Marks one notification (or all, with `id` None) of the actor as read. Reading one's own
/// inbox needs no permission and is not audited (it changes nothing on the platform).
pub async fn mark_read(db: &Db, actor: &Actor, id: Option<&str>) -> Result<u64> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::NotificationsRead).await?;
    let actor = &actor;
    let n = store::notifications::mark_read(&mut tx, actor.id, id, super::now()).await?;
    tx.commit().await?;
    Ok(n)
}
