//! Staff authentication: bcrypt passwords (Laravel's `$2y$` and `$2b$`), and remembered logins
//! whose token lives in a private file while only its SHA-256 is stored.

use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::store::{self, Db};

use super::record::{Change, Diff, record};
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

/// Email + password login. Wrong credentials and unknown emails get the same answer.
pub async fn login(db: &Db, email: &str, password: &str) -> Result<Actor> {
    let mut conn = db.clone();
    let user = store::users::find_by_email(&mut conn, email)
        .await?
        .filter(|u| u.deleted_at.is_none());
    let Some(user) = user else {
        // Spend the same time as a real check so timing does not reveal which emails exist.
        let _ = tokio::task::spawn_blocking(|| {
            verify_password(
                "x",
                "$2y$12$C6UzMDM.H6dfI/f/IKxGhuP9VDhqC/IqGZnwFHdOq8cvIYmMWq0cS",
            )
        })
        .await;
        return Err(ServiceError::InvalidCredentials);
    };
    let (password, hash) = (password.to_owned(), user.password.clone());
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    if !ok {
        return Err(ServiceError::InvalidCredentials);
    }
    Actor::load(&mut conn, user.id).await
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a remembered login for `actor`; returns the token to keep in the private file.
pub async fn remember(db: &Db, actor: &Actor, origin: &Origin, ttl: Duration) -> Result<String> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let now = super::now();
    let mut tx = db.begin().await?;
    let session_id = store::users::insert_session(
        &mut tx,
        actor.id,
        &token_hash(&token),
        &origin.host,
        now,
        now + ttl,
    )
    .await?;
    record(
        &mut tx,
        Some(actor),
        origin,
        Change {
            event: "login_remembered",
            subject_type: "user",
            subject_id: actor.id,
            diff: Diff::new().field("staff_session_id", serde_json::Value::Null, session_id),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Opens a remembered login without a password (no bcrypt on every start).
pub async fn resume(db: &Db, token: &str) -> Result<Actor> {
    let mut conn = db.clone();
    let user_id = store::users::session_user(&mut conn, &token_hash(token.trim()), super::now())
        .await?
        .ok_or(ServiceError::SessionExpired)?;
    Actor::load(&mut conn, user_id).await
}

/// Revokes a remembered login; returns whether it was live.
pub async fn logout(db: &Db, token: &str) -> Result<bool> {
    let mut tx = db.begin().await?;
    let n = store::users::revoke_session(&mut tx, &token_hash(token.trim()), super::now()).await?;
    tx.commit().await?;
    Ok(n > 0)
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
