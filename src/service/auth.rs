//! Staff authentication: bcrypt passwords (Laravel's `$2y$` and `$2b$`), throttled and audited
//! logins, and sessions: every TUI login opens one (checked at every write); a remembered one
//! keeps its token in a private file while only its SHA-256 is stored.

use chrono::Duration;
use rand::RngCore;
use serde_json::Value as JsonValue;
use sha2::{Digest, Sha256};

use crate::domain::{ThrottlePolicy, UseCase};
use crate::store::access::{AttemptsOf, NewAttempt, NewSession, SessionRow};
use crate::store::{self, Db};

use super::record::{Change, Diff, record_and_commit};
use super::{Actor, Origin, Result, ServiceError};

/// Laravel's default bcrypt cost.
pub const BCRYPT_COST: u32 = 12;

/// Hashes a password the way Laravel does (`$2y$12$...`).
pub fn hash_password(password: &str) -> Result<String> {
    let parts = bcrypt::hash_with_result(password, BCRYPT_COST)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(parts.format_for_version(bcrypt::Version::TwoY))
}

/// Checks a password against a `$2y$`, `$2b$` or `$2a$` hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    bcrypt::verify(password, hash).unwrap_or(false)
}

/// What a successful login opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// No session row: a CLI command authenticated by its password, acting once.
    None,
    /// A session that lasts while the program runs (and at most `ttl`).
    Live { ttl: Duration },
    /// A session whose token is kept in the data directory (`ttl` long).
    Remembered { ttl: Duration },
}

/// A successful login: who, and the session token to keep when one was opened.
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub actor: Actor,
    pub token: Option<String>,
}

/// Email + password login. Wrong credentials and unknown emails get the same answer. Every
/// failure is recorded (email tried, reason, source; never the password) and audited; after
/// `policy.after` failures per account or per source, attempts are refused without checking the
/// password until the delay has passed.
pub async fn login(
    db: &Db,
    email: &str,
    password: &str,
    origin: &Origin,
    policy: &ThrottlePolicy,
    session: SessionKind,
) -> Result<LoggedIn> {
    let email = email.trim().to_lowercase();
    let now = super::now();
    let mut conn = db.clone();
    let since = now - policy.window;
    let by_email = store::access::failures(&mut conn, AttemptsOf::Email(&email), since).await?;
    let by_source =
        store::access::failures(&mut conn, AttemptsOf::Source(&origin.source), since).await?;
    let until = [&by_email, &by_source]
        .into_iter()
        .filter_map(|f| policy.retry_at(f, now))
        .max();
    let user = store::users::find_by_email(&mut conn, &email).await?;
    if let Some(until) = until {
        failed(db, origin, &email, user.as_ref().map(|u| u.id), "throttled").await?;
        return Err(ServiceError::Throttled {
            until,
            wait_seconds: (until - now).num_seconds().max(1),
        });
    }
    let Some(user) = user.filter(|u| u.deleted_at.is_none()) else {
        // Spend the same time as a real check so timing does not reveal which emails exist.
        let _ = tokio::task::spawn_blocking(|| {
            verify_password(
                "x",
                "$2y$12$C6UzMDM.H6dfI/f/IKxGhuP9VDhqC/IqGZnwFHdOq8cvIYmMWq0cS",
            )
        })
        .await;
        failed(db, origin, &email, None, "unknown_account").await?;
        return Err(ServiceError::InvalidCredentials);
    };
    let (typed, hash) = (password.to_owned(), user.password.clone());
    let ok = tokio::task::spawn_blocking(move || verify_password(&typed, &hash))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    if !ok {
        failed(db, origin, &email, Some(user.id), "wrong_password").await?;
        return Err(ServiceError::InvalidCredentials);
    }
    let actor = match Actor::load(&mut conn, user.id).await {
        Ok(actor) => actor,
        Err(e) => {
            failed(db, origin, &email, Some(user.id), "not_staff").await?;
            return Err(e);
        }
    };
    succeeded(db, origin, &email, actor, session).await
}

/// Records a failed attempt and its audit row (the account's when there is one), naming the
/// SSH key tried when there was one.
pub(super) async fn failed_with(
    db: &Db,
    origin: &Origin,
    email: &str,
    user_id: Option<i64>,
    reason: &str,
    ssh_key: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let attempt = store::access::insert_attempt(
        &mut tx,
        &NewAttempt {
            email,
            user_id,
            source: &origin.source,
            succeeded: false,
            reason: Some(reason),
            now: super::now(),
        },
    )
    .await?;
    let (subject_type, subject_id) = match user_id {
        Some(id) => ("user", id),
        None => ("login_attempt", attempt),
    };
    record_and_commit(
        tx,
        None,
        origin,
        Change {
            event: "login_failed",
            subject_type,
            subject_id,
            diff: Diff::new()
                .field("email", JsonValue::Null, email)
                .field("reason", JsonValue::Null, reason)
                .field("source", JsonValue::Null, origin.source.as_str())
                .field("channel", JsonValue::Null, origin.channel)
                // Null to null leaves the field out: only a key login names one.
                .field("ssh_key", JsonValue::Null, ssh_key),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(())
}

async fn failed(
    db: &Db,
    origin: &Origin,
    email: &str,
    user_id: Option<i64>,
    reason: &str,
) -> Result<()> {
    failed_with(db, origin, email, user_id, reason, None).await
}

/// The SSH key a login was made with: its row id and fingerprint.
#[derive(Clone, Copy, Debug)]
pub(super) struct WithKey<'a> {
    pub id: i64,
    pub fingerprint: &'a str,
}

async fn succeeded(
    db: &Db,
    origin: &Origin,
    email: &str,
    actor: Actor,
    session: SessionKind,
) -> Result<LoggedIn> {
    succeeded_with(db, origin, email, actor, session, None).await
}

/// Records a successful login and opens its session (with the SSH key it used, if any).
pub(super) async fn succeeded_with(
    db: &Db,
    origin: &Origin,
    email: &str,
    actor: Actor,
    session: SessionKind,
    key: Option<WithKey<'_>>,
) -> Result<LoggedIn> {
    let now = super::now();
    let mut tx = db.begin().await?;
    store::access::insert_attempt(
        &mut tx,
        &NewAttempt {
            email,
            user_id: Some(actor.id),
            source: &origin.source,
            succeeded: true,
            reason: None,
            now,
        },
    )
    .await?;
    let (ttl, remembered) = match session {
        SessionKind::None => {
            tx.commit().await?;
            return Ok(LoggedIn { actor, token: None });
        }
        SessionKind::Live { ttl } => (ttl, false),
        SessionKind::Remembered { ttl } => (ttl, true),
    };
    let token = new_token();
    let session_id = store::access::insert_session(
        &mut tx,
        &NewSession {
            user_id: actor.id,
            token_hash: &token_hash(&token),
            host: &origin.host,
            source: &origin.source,
            remembered,
            now,
            expires_at: now + ttl,
            ssh_key_id: key.map(|k| k.id),
        },
    )
    .await?;
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: if remembered {
                "login_remembered"
            } else {
                "login"
            },
            subject_type: "user",
            subject_id: actor.id,
            diff: Diff::new()
                .field("staff_session_id", JsonValue::Null, session_id)
                .field("ssh_key", JsonValue::Null, key.map(|k| k.fingerprint)),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(LoggedIn {
        actor: actor.in_session(session_id),
        token: Some(token),
    })
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Opens a remembered login without a password (no bcrypt on every start).
pub async fn resume(db: &Db, token: &str) -> Result<Actor> {
    let mut conn = db.clone();
    let (session_id, user_id) =
        store::access::live_token(&mut conn, &token_hash(token.trim()), super::now())
            .await?
            .ok_or(ServiceError::SessionExpired)?;
    let actor = Actor::load(&mut conn, user_id)
        .await?
        .in_session(session_id);
    // The same checks as every write: a deleted account or lost roles end here.
    super::access::current(&mut conn, &actor).await
}

/// Ends the session of `token` (`obryl logout`, or quitting a TUI whose login was not
/// remembered); returns whether it was live. Audited on the account, so its open screens
/// learn it through the change feed.
pub async fn logout(db: &Db, token: &str, origin: &Origin) -> Result<bool> {
    let mut tx = db.begin().await?;
    let Some(session) = store::access::session_by_token(&mut tx, &token_hash(token.trim())).await?
    else {
        return Ok(false);
    };
    let now = super::now();
    if session.expires_at <= now
        || !store::access::revoke_session(&mut tx, session.id, Some(session.user_id), now).await?
    {
        return Ok(false);
    }
    let actor = Actor::load(&mut tx, session.user_id).await.ok();
    record_and_commit(
        tx,
        actor.as_ref(),
        origin,
        Change {
            event: "logout",
            subject_type: "user",
            subject_id: session.user_id,
            diff: Diff::new().field("staff_session_id", session.id, JsonValue::Null),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(true)
}

/// A person's sessions, newest first (ended ones too with `all`): one's own, or anyone's with
/// `users.manage`.
pub async fn sessions(db: &Db, actor: &Actor, user_id: i64, all: bool) -> Result<Vec<SessionRow>> {
    let use_case = if user_id == actor.id {
        UseCase::DataRead
    } else {
        UseCase::SessionRevokeOthers
    };
    super::access::authorize(db, actor, use_case).await?;
    store::access::sessions_of(&mut db.clone(), user_id, all, super::now(), 200)
        .await
        .map_err(Into::into)
}

/// Ends sessions of `user_id`: one (`session` Some) or all that are live. One's own need no
/// permission; anyone else's need `users.manage`. Returns how many ended.
pub async fn revoke(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    user_id: i64,
    session: Option<i64>,
) -> Result<u64> {
    let use_case = if user_id == actor.id {
        UseCase::SessionRevokeOwn
    } else {
        UseCase::SessionRevokeOthers
    };
    let (mut tx, actor) = super::access::begin(db, actor, use_case).await?;
    let now = super::now();
    let ended: Vec<i64> = match session {
        Some(id) => {
            let row = store::access::session(&mut tx, id)
                .await?
                .filter(|s| s.user_id == user_id)
                .ok_or(ServiceError::NotFound {
                    what: "session",
                    key: id.to_string(),
                })?;
            if store::access::revoke_session(&mut tx, row.id, Some(actor.id), now).await? {
                vec![row.id]
            } else {
                Vec::new()
            }
        }
        None => {
            let live = store::access::sessions_of(&mut tx, user_id, false, now, 1000).await?;
            store::access::revoke_sessions_of(&mut tx, user_id, Some(actor.id), now).await?;
            live.into_iter().map(|s| s.id).collect()
        }
    };
    if ended.is_empty() {
        return Ok(0);
    }
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "sessions_revoked",
            subject_type: "user",
            subject_id: user_id,
            diff: Diff::new().field("staff_session_ids", ended.clone(), JsonValue::Null),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(ended.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_php_and_rust_hashes() {
        // Made by PHP 8.2: password_hash('demo', PASSWORD_BCRYPT, ['cost' => 12]).
        let php = "$2y$12$H4aG6ZvgaLAHEquoN9PEpeI5ECWzr.R0H0bBEBLzcZq85IDQiq.HS";
        assert!(verify_password("demo", php));
        assert!(!verify_password("demo2", php));
        let ours = hash_password("demo").unwrap();
        assert!(ours.starts_with("$2y$12$") && ours.len() == 60);
        assert!(verify_password("demo", &ours));
        let rust_2b = bcrypt::hash("demo", 4).unwrap();
        assert!(rust_2b.starts_with("$2b$"));
        assert!(verify_password("demo", &rust_2b));
        assert!(!verify_password("Demo", &rust_2b));
        assert!(!verify_password("demo", "not a hash"));
    }
}
