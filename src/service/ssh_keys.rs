//! Staff members' SSH keys: register, list, revoke, and the lookup the SSH server
//! authenticates with. Registering or revoking someone's key hands out (or takes back) a way
//! in as them, so it follows the role-administration rules for every role they hold
//! (`domain::access::check_role_change`): `users.manage`, never one's own, super-admin by a
//! super-admin only, and nobody hands out more than they hold. Without an actor these are the
//! operator's path, audited with the operating-system user.

use serde_json::Value as JsonValue;

use crate::domain::access::{RoleChange, check_role_change};
use crate::domain::ssh_key::{self, SshPublicKey};
use crate::domain::{Role, UseCase};
use crate::store::ssh_keys::{NewSshKey, SshKeyRow};
use crate::store::users::UserRow;
use crate::store::{self, Conn, Db, Tx};

use super::record::{Change, Diff, record_and_commit};
use super::users::role_permissions;
use super::{Actor, Origin, Result, Said, ServiceError, access};

pub use crate::store::ssh_keys::SshKeyRow as SshKey;

/// Parses a public-key line, refusing what is not an accepted key with its reason.
pub fn parse(line: &str) -> Result<SshPublicKey> {
    ssh_key::parse(line).map_err(|e| ServiceError::Invalid {
        field: "ssh_key",
        message: Said::new(e.code()),
    })
}

/// The staff member `email` names (an account not deleted, holding a staff role).
async fn staff(c: &mut impl Conn, email: &str) -> Result<(UserRow, Vec<Role>)> {
    let user = store::users::find_by_email(c, &email.to_lowercase())
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(ServiceError::NotFound {
            what: "user",
            key: email.to_owned(),
        })?;
    let roles: Vec<Role> = store::users::roles_of(c, user.id)
        .await?
        .iter()
        .filter_map(|r| Role::parse(r).ok())
        .filter(|r| r.is_staff())
        .collect();
    if roles.is_empty() {
        return Err(ServiceError::NotStaff {
            email: user.email.clone(),
        });
    }
    Ok((user, roles))
}

/// Opens the transaction of a key change on `email`'s keys, as `by` (re-read, holding
/// `users.manage`, and allowed by the role rules for each role the target holds).
async fn begin_on(db: &Db, by: Option<&Actor>, email: &str) -> Result<(Tx, Option<Actor>, i64)> {
    let mut tx = db.begin().await?;
    let actor = match by {
        Some(actor) => Some(access::check(&mut tx, actor, UseCase::UserRole).await?),
        None => None,
    };
    let (user, roles) = staff(&mut tx, email).await?;
    if let Some(actor) = &actor {
        for role in roles {
            let perms = role_permissions(&mut tx, role).await?;
            check_role_change(&RoleChange {
                actor_id: actor.id,
                actor_roles: &actor.roles,
                actor_permissions: &actor.permissions,
                target_id: user.id,
                role,
                role_permissions: &perms,
                grant: true,
                other_super_admins: None,
            })
            .map_err(ServiceError::RoleRule)?;
        }
    }
    Ok((tx, actor, user.id))
}

/// Registers a key for `email`; returns it as stored.
pub async fn add(
    db: &Db,
    by: Option<&Actor>,
    origin: &Origin,
    email: &str,
    line: &str,
) -> Result<SshKeyRow> {
    let key = parse(line)?;
    let (mut tx, by, uid) = begin_on(db, by, email).await?;
    let now = super::now();
    let id = store::ssh_keys::insert(
        &mut tx,
        &NewSshKey {
            user_id: uid,
            algorithm: &key.algorithm,
            public_key: &key.public_key,
            fingerprint: &key.fingerprint,
            comment: key.comment.as_deref(),
            created_by: by.as_ref().map(|a| a.id),
            now,
        },
    )
    .await
    .map_err(|e| match e.unique_violation() {
        Some(_) => ServiceError::Duplicate {
            field: "ssh_key",
            value: key.fingerprint.clone(),
        },
        None => e.into(),
    })?;
    let diff = Diff::new()
        .field("ssh_key", JsonValue::Null, key.fingerprint.as_str())
        .field("ssh_key_comment", JsonValue::Null, key.comment.as_deref());
    record_and_commit(
        tx,
        by.as_ref(),
        origin,
        Change {
            event: "ssh_key_added",
            subject_type: "user",
            subject_id: uid,
            diff,
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    let mut conn = db.clone();
    store::ssh_keys::by_fingerprint(&mut conn, &key.fingerprint)
        .await?
        .filter(|k| k.id == id)
        .ok_or_else(|| ServiceError::Internal("the key just added is gone".into()))
}

/// `email`'s keys, live and revoked, oldest first.
pub async fn list(db: &Db, email: &str) -> Result<Vec<SshKeyRow>> {
    let mut conn = db.clone();
    let user = store::users::find_by_email(&mut conn, &email.to_lowercase())
        .await?
        .ok_or(ServiceError::NotFound {
            what: "user",
            key: email.to_owned(),
        })?;
    Ok(store::ssh_keys::for_user(&mut conn, user.id).await?)
}

/// Revokes `email`'s key with this fingerprint. Returns false when it was already revoked.
pub async fn revoke(
    db: &Db,
    by: Option<&Actor>,
    origin: &Origin,
    email: &str,
    fingerprint: &str,
) -> Result<bool> {
    let (mut tx, by, uid) = begin_on(db, by, email).await?;
    let key = store::ssh_keys::by_fingerprint(&mut tx, fingerprint)
        .await?
        .filter(|k| k.user_id == uid)
        .ok_or(ServiceError::NotFound {
            what: "ssh_key",
            key: fingerprint.to_owned(),
        })?;
    let now = super::now();
    let by_id = by.as_ref().map(|a| a.id);
    if !store::ssh_keys::revoke(&mut tx, key.id, by_id, now).await? {
        return Ok(false);
    }
    // What the key opened ends with it: its SSH sessions learn it through the change feed.
    let ended = store::access::revoke_sessions_of_key(&mut tx, key.id, by_id, now).await?;
    record_and_commit(
        tx,
        by.as_ref(),
        origin,
        Change {
            event: "ssh_key_revoked",
            subject_type: "user",
            subject_id: uid,
            diff: Diff::new()
                .field("ssh_key", key.fingerprint.as_str(), JsonValue::Null)
                .field("sessions_ended", JsonValue::Null, ended),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(true)
}

/// The live key with this fingerprint and its owner (an account not deleted): what the SSH
/// server authenticates with. A revoked key is never returned.
pub async fn lookup(db: &Db, fingerprint: &str) -> Result<Option<(SshKeyRow, UserRow)>> {
    let mut conn = db.clone();
    let Some(key) = store::ssh_keys::live_by_fingerprint(&mut conn, fingerprint).await? else {
        return Ok(None);
    };
    let user = store::users::find(&mut conn, key.user_id).await?;
    Ok(user.filter(|u| u.deleted_at.is_none()).map(|u| (key, u)))
}

/// Records a use of a live key now; false when it is revoked or unknown.
pub async fn mark_used(db: &Db, key_id: i64) -> Result<bool> {
    let mut conn = db.clone();
    Ok(store::ssh_keys::mark_used(&mut conn, key_id, super::now()).await?)
}
