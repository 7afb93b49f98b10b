//! Rights that are current at every write. Each mutation opens its transaction through
//! [`begin`], which re-reads inside it the actor's session (not revoked, not expired), account
//! (not deleted) and roles, then checks the use case's permission (`domain::access`). What the
//! caller's `Actor` holds is only the snapshot its screen was drawn with.

use crate::domain::{Role, UseCase};
use crate::store::{self, Conn, Db, Tx};

use super::{Actor, Result, ServiceError};

/// Opens the transaction of `use_case` and returns who acts in it, as the database holds it now.
/// A refusal rolls the transaction back: nothing is written.
pub(crate) async fn begin(db: &Db, actor: &Actor, use_case: UseCase) -> Result<(Tx, Actor)> {
    let mut tx = db.begin().await?;
    let actor = check(&mut tx, actor, use_case).await?;
    Ok((tx, actor))
}

/// Inside an open transaction: the actor as it is now, allowed to do `use_case`. The session's
/// last use moves forward.
pub(crate) async fn check(tx: &mut Tx, actor: &Actor, use_case: UseCase) -> Result<Actor> {
    let fresh = current(tx, actor).await?;
    require(tx, actor, &fresh, use_case).await?;
    if let Some(session) = fresh.session_id {
        store::access::touch_session(tx, session, super::now()).await?;
    }
    Ok(fresh)
}

/// A read: the actor as it is now, allowed to do `use_case` (the CLI checks this before it
/// prints platform data).
pub async fn authorize(db: &Db, actor: &Actor, use_case: UseCase) -> Result<Actor> {
    let mut conn = db.clone();
    let fresh = current(&mut conn, actor).await?;
    require(&mut conn, actor, &fresh, use_case).await?;
    Ok(fresh)
}

/// Re-reads the actor: their session, account and roles. Refuses with what ended their
/// rights, in words a person understands.
pub async fn current(c: &mut impl Conn, actor: &Actor) -> Result<Actor> {
    if let Some(id) = actor.session_id {
        let session = store::access::session(c, id)
            .await?
            .ok_or(ServiceError::SessionExpired)?;
        if let Some(at) = session.revoked_at {
            return Err(ServiceError::SessionRevoked {
                at,
                by: session.revoked_by_name,
            });
        }
        if session.expires_at <= super::now() {
            return Err(ServiceError::SessionExpired);
        }
    }
    let user = store::users::find(c, actor.id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "user",
            key: actor.id.to_string(),
        })?;
    if let Some(at) = user.deleted_at {
        return Err(ServiceError::AccountDeleted { at });
    }
    match Actor::load(c, actor.id).await {
        Ok(fresh) => Ok(Actor {
            session_id: actor.session_id,
            ..fresh
        }),
        Err(ServiceError::NotStaff { email }) => {
            let lost = actor.roles.iter().copied().filter(|r| r.is_staff());
            match last_revocation_of(c, actor.id, lost.collect()).await? {
                Some(e) => Err(e),
                None => Err(ServiceError::NotStaff { email }),
            }
        }
        Err(e) => Err(e),
    }
}

/// Refuses `use_case` when `fresh` lacks its permission. When the snapshot the person acted
/// from still had it, says which role was removed, when and by whom.
async fn require(
    c: &mut impl Conn,
    snapshot: &Actor,
    fresh: &Actor,
    use_case: UseCase,
) -> Result<()> {
    let Some(permission) = use_case.permission() else {
        return Ok(());
    };
    if fresh.can(permission) {
        return Ok(());
    }
    if snapshot.can(permission) {
        let lost: Vec<Role> = snapshot
            .roles
            .iter()
            .copied()
            .filter(|r| !fresh.roles.contains(r) && r.grants(permission))
            .collect();
        if let Some(e) = last_revocation_of(c, fresh.id, lost).await? {
            return Err(e);
        }
    }
    Err(ServiceError::Forbidden {
        permission: permission.as_str(),
    })
}

/// "Your finance role was removed at 07:23 by Aminata Ndiaye", for the latest of `roles`.
async fn last_revocation_of(
    c: &mut impl Conn,
    user_id: i64,
    roles: Vec<Role>,
) -> Result<Option<ServiceError>> {
    if roles.is_empty() {
        return Ok(None);
    }
    let found = store::access::revocations(c, user_id, 20)
        .await?
        .into_iter()
        .find(|r| roles.iter().any(|role| role.as_str() == r.role));
    Ok(found.map(|r| ServiceError::RoleRemoved {
        role: r.role,
        at: r.at,
        by: r.by,
    }))
}
