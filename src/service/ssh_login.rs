//! Logging in over SSH with a staff key. The server asks twice: when a key is offered (before
//! any signature: an unknown or revoked key, or a throttled address, stops there), and once
//! the key is proven, when the connection asks for the back-office's screen (a session is
//! opened then, tied to the key, so revoking the key ends it). An unknown key is a failed login
//! recorded with the peer's address (the same throttle as passwords); what a proven key is
//! refused afterwards is audited on its account.

use chrono::Duration;
use serde_json::Value as JsonValue;

use crate::domain::ThrottlePolicy;
use crate::store::access::AttemptsOf;
use crate::store::ssh_keys::SshKeyRow;
use crate::store::users::UserRow;
use crate::store::{self, Db};

use super::auth::{self, LoggedIn, SessionKind, WithKey};
use super::record::{Change, Diff, record_and_commit};
use super::{Actor, Origin, Result, ServiceError};

/// A key that may log in, and whose it is.
#[derive(Clone, Debug)]
pub struct KnownKey {
    pub key: SshKeyRow,
    pub user: UserRow,
}

/// Whether `fingerprint`, offered from `origin`, may go on to the signature step: refused
/// (and recorded) when the address is throttled, or the key is unknown, revoked or belongs to
/// a deleted account.
pub async fn offered(
    db: &Db,
    origin: &Origin,
    policy: &ThrottlePolicy,
    fingerprint: &str,
) -> Result<KnownKey> {
    let now = super::now();
    let since = now - policy.window;
    let failures =
        store::access::failures(&mut db.clone(), AttemptsOf::Source(&origin.source), since).await?;
    let known = super::ssh_keys::lookup(db, fingerprint).await?;
    let (email, user_id) = match &known {
        Some((_, user)) => (user.email.as_str(), Some(user.id)),
        None => ("", None),
    };
    if let Some(until) = policy.retry_at(&failures, now) {
        auth::failed_with(db, origin, email, user_id, "throttled", Some(fingerprint)).await?;
        return Err(ServiceError::Throttled {
            until,
            wait_seconds: (until - now).num_seconds().max(1),
        });
    }
    match known {
        Some((key, user)) => Ok(KnownKey { key, user }),
        None => {
            auth::failed_with(db, origin, "", None, "unknown_key", Some(fingerprint)).await?;
            Err(ServiceError::InvalidCredentials)
        }
    }
}

/// Opens a back-office session for a proven key (re-read: revoked meanwhile, it is refused),
/// as the staff member it belongs to, for at most `ttl`.
pub async fn open(db: &Db, origin: &Origin, fingerprint: &str, ttl: Duration) -> Result<LoggedIn> {
    let Some((key, user)) = super::ssh_keys::lookup(db, fingerprint).await? else {
        auth::failed_with(db, origin, "", None, "unknown_key", Some(fingerprint)).await?;
        return Err(ServiceError::InvalidCredentials);
    };
    let actor = match Actor::load(&mut db.clone(), user.id).await {
        Ok(actor) => actor,
        Err(e) => {
            refused(db, origin, &user, fingerprint, "not_staff").await?;
            return Err(e);
        }
    };
    super::ssh_keys::mark_used(db, key.id).await?;
    let with = WithKey {
        id: key.id,
        fingerprint,
    };
    auth::succeeded_with(
        db,
        origin,
        &user.email,
        actor,
        SessionKind::Live { ttl },
        Some(with),
    )
    .await
}

/// Records a proven key's connection refused for `reason` (no terminal, a command or
/// subsystem asked for, forwarding, too many sessions), on the account, with the peer's
/// address. Not a failed login: the key was proven, so it does not count towards the throttle.
pub async fn refused(
    db: &Db,
    origin: &Origin,
    user: &UserRow,
    fingerprint: &str,
    reason: &str,
) -> Result<()> {
    let tx = db.begin().await?;
    record_and_commit(
        tx,
        None,
        origin,
        Change {
            event: "ssh_refused",
            subject_type: "user",
            subject_id: user.id,
            diff: Diff::new()
                .field("reason", JsonValue::Null, reason)
                .field("ssh_key", JsonValue::Null, fingerprint)
                .field("source", JsonValue::Null, origin.source.as_str()),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(())
}

/// Records a connection dropped before authentication (too many from its address).
pub async fn dropped(db: &Db, origin: &Origin, reason: &str) -> Result<()> {
    auth::failed_with(db, origin, "", None, reason, None).await
}
