//! Partners' API tokens (permission `api_tokens.manage`): create (the plaintext is returned
//! this once and never stored), list, revoke; and the check of a presented bearer token for
//! the read API. A token belongs to the staff member who created it and stops working when
//! their account is deleted. Neither the plaintext nor its hash ever reaches the audit log.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value as JsonValue, json};

use crate::domain::UseCase;
use crate::domain::api_token::{self, AbilityError, MAX_EXPIRY_DAYS, NAME_MAX_BYTES, Presented};
use crate::domain::require_text;
use crate::store::tokens::{Filter, NewToken as StoredToken, TokenRow};
use crate::store::{self, Anchor, Db, Page};

use super::access;
use super::record::{Change, Diff, Notice, record_and_commit};
use super::{Actor, Origin, Result, ServiceError};

/// What a new token is asked to be.
#[derive(Clone, Debug)]
pub struct NewToken<'a> {
    pub name: &'a str,
    /// Ability names as typed (`projects:read`, `*`…).
    pub abilities: &'a [String],
    /// Days until it expires; None: never.
    pub expires_in_days: Option<u32>,
}

/// A token just created. `plaintext` (`ID|SECRET`) exists only here: show it once.
#[derive(Clone)]
pub struct Created {
    pub id: i64,
    pub plaintext: String,
    pub token: TokenRow,
}

impl std::fmt::Debug for Created {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Created")
            .field("id", &self.id)
            .field("plaintext", &"<shown once>")
            .field("token", &self.token)
            .finish()
    }
}

fn rfc3339(at: Option<DateTime<Utc>>) -> JsonValue {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true).into())
        .unwrap_or(JsonValue::Null)
}

fn refused_abilities(e: AbilityError) -> ServiceError {
    match e {
        AbilityError::Empty => ServiceError::Invalid {
            field: "abilities",
            message: crate::service::Said::new("no_ability"),
        },
        AbilityError::Unknown(a) => ServiceError::Invalid {
            field: "abilities",
            message: crate::service::Said::new("not_an_ability").arg("value", a),
        },
    }
}

fn checked_name(name: &str) -> Result<String> {
    let name = require_text("name", name, NAME_MAX_BYTES)?;
    if name.chars().any(char::is_control) {
        return Err(ServiceError::Invalid {
            field: "name",
            message: crate::service::Said::new("one_line"),
        });
    }
    Ok(name)
}

fn expiry(days: Option<u32>, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    match days {
        None => Ok(None),
        Some(d) if (1..=MAX_EXPIRY_DAYS).contains(&d) => Ok(Some(now + Duration::days(d.into()))),
        Some(_) => Err(ServiceError::Invalid {
            field: "expiry",
            message: crate::service::Said::new("expiry_days"),
        }),
    }
}

/// Creates a token for the actor. Returns its id and the plaintext, which is not kept.
pub async fn create(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    new: &NewToken<'_>,
) -> Result<Created> {
    let name = checked_name(new.name)?;
    let abilities = api_token::parse_abilities(new.abilities).map_err(refused_abilities)?;
    let now = super::now();
    let expires_at = expiry(new.expires_in_days, now)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::TokenManage).await?;
    let secret = api_token::generate_secret(&mut rand::rng(), "");
    let abilities_json = api_token::abilities_json(&abilities);
    let id = store::tokens::insert(
        &mut tx,
        &StoredToken {
            owner_id: actor.id,
            name: &name,
            hash: &api_token::hash_secret(&secret),
            abilities: &abilities_json,
            expires_at,
            now,
        },
    )
    .await?;
    let token = store::tokens::find(&mut tx, id)
        .await?
        .ok_or_else(|| ServiceError::Internal(format!("token {id} vanished")))?;
    let names: Vec<&str> = abilities.iter().map(|a| a.as_str()).collect();
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "created",
            subject_type: "api_token",
            subject_id: id,
            // What the token may do, never what it is.
            diff: Diff::created([
                ("name", JsonValue::from(name.as_str())),
                ("abilities", json!(names)),
                ("expires_at", rfc3339(expires_at)),
                ("tokenable_id", JsonValue::from(actor.id)),
            ]),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(Created {
        id,
        plaintext: api_token::plaintext(id, &secret),
        token,
    })
}

/// Revokes a token (Sanctum deletes the row): the next request with it is refused. Its owner
/// is told when someone else revoked it. Returns the token as it was.
pub async fn revoke(db: &Db, actor: &Actor, origin: &Origin, id: i64) -> Result<TokenRow> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::TokenManage).await?;
    let not_found = || ServiceError::NotFound {
        what: "token",
        key: id.to_string(),
    };
    let token = store::tokens::find(&mut tx, id)
        .await?
        .ok_or_else(not_found)?;
    if !store::tokens::delete(&mut tx, id).await? {
        return Err(not_found());
    }
    let notices = if token.tokenable_id != actor.id && token.owner_name.is_some() {
        vec![Notice {
            user_id: token.tokenable_id,
            class: "App\\Notifications\\ApiTokenRevoked",
            kind: "api_token.revoked",
            params: json!({"name": token.name, "token_id": id}),
        }]
    } else {
        Vec::new()
    };
    let abilities = api_token::stored_abilities(token.abilities.as_deref());
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "revoked",
            subject_type: "api_token",
            subject_id: id,
            diff: Diff::new()
                .field("name", token.name.as_str(), JsonValue::Null)
                .field("abilities", json!(abilities), JsonValue::Null)
                .field("expires_at", rfc3339(token.expires_at), JsonValue::Null),
            notices,
            webhook: None,
        },
    )
    .await?;
    Ok(token)
}

/// Every staff member's tokens, newest first (never their hashes).
pub async fn list(db: &Db, actor: &Actor, anchor: &Anchor, limit: u64) -> Result<Page<TokenRow>> {
    access::authorize(db, actor, UseCase::TokenManage).await?;
    let mut c = db.clone();
    Ok(store::tokens::page(&mut c, &Filter::default(), anchor, limit).await?)
}

/// Every token, newest first, and the ones revoked here, marked (`revoked_at`, `revoked_by`):
/// what the staff's view lists (never a hash).
pub async fn list_with_revoked(
    db: &Db,
    actor: &Actor,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<TokenRow>> {
    access::authorize(db, actor, UseCase::TokenManage).await?;
    let mut c = db.clone();
    Ok(store::tokens::page_with_revoked(&mut c, anchor, limit).await?)
}

/// A presented token that checked out: which token, and what it may do.
#[derive(Clone, Debug, PartialEq)]
pub struct Bearer {
    pub token_id: i64,
    pub owner_id: i64,
    pub abilities: Vec<String>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Bearer {
    pub fn can(&self, ability: api_token::Ability) -> bool {
        api_token::can(&self.abilities, ability)
    }
}

/// Why a presented token was refused. A wrong secret and an unknown id are the same refusal,
/// so the answer tells nothing about which ids exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not shaped like a token at all.
    Malformed,
    /// No token with this id and secret.
    Unknown,
    /// The secret is right but the token's expiry has passed.
    Expired,
    /// The secret is right but the staff member it belongs to is deleted.
    OwnerGone,
}

/// The outcome of checking a presented token.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Valid(Bearer),
    Refused(Refusal),
}

/// Checks a presented token (`ID|SECRET`, or a secret alone as Sanctum also accepts) at `now`.
/// A read: the last use is recorded apart, by [`mark_used`].
pub async fn authenticate(db: &Db, presented: &str, now: DateTime<Utc>) -> Result<Verdict> {
    let Some(presented) = api_token::parse_presented(presented) else {
        return Ok(Verdict::Refused(Refusal::Malformed));
    };
    let mut c = db.clone();
    let row = match presented {
        Presented::WithId { id, .. } => store::tokens::secret_by_id(&mut c, id).await?,
        Presented::Bare { secret } => {
            store::tokens::secret_by_hash(&mut c, &api_token::hash_secret(secret)).await?
        }
    };
    let Some(row) = row.filter(|r| api_token::verify(&r.hash, presented.secret())) else {
        return Ok(Verdict::Refused(Refusal::Unknown));
    };
    if row.expires_at.is_some_and(|at| at <= now) {
        return Ok(Verdict::Refused(Refusal::Expired));
    }
    if row.owner_gone {
        return Ok(Verdict::Refused(Refusal::OwnerGone));
    }
    Ok(Verdict::Valid(Bearer {
        token_id: row.id,
        owner_id: row.tokenable_id,
        abilities: api_token::stored_abilities(row.abilities.as_deref()),
        last_used_at: row.last_used_at,
    }))
}

/// Records a token's use at `now`, at most once a minute (see `store::tokens::touch`). Like a
/// session's last use this is bookkeeping, not a change anyone decided: it is not audited.
pub async fn mark_used(db: &Db, token_id: i64, now: DateTime<Utc>) -> Result<bool> {
    Ok(store::tokens::touch(db, token_id, now).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_expiries_are_bounded() {
        assert!(checked_name("Jira sync").is_ok());
        assert!(matches!(
            checked_name("  "),
            Err(ServiceError::Domain(
                crate::domain::DomainError::EmptyText { .. }
            ))
        ));
        assert!(matches!(
            checked_name(&"x".repeat(NAME_MAX_BYTES + 1)),
            Err(ServiceError::Domain(
                crate::domain::DomainError::TextTooLong { .. }
            ))
        ));
        assert!(matches!(
            checked_name("a\nb"),
            Err(ServiceError::Invalid { field: "name", .. })
        ));
        let now = Utc::now();
        assert_eq!(expiry(None, now).unwrap(), None);
        assert_eq!(
            expiry(Some(30), now).unwrap(),
            Some(now + Duration::days(30))
        );
        assert!(expiry(Some(0), now).is_err());
        assert!(expiry(Some(MAX_EXPIRY_DAYS + 1), now).is_err());
    }

    #[test]
    fn the_plaintext_never_shows_in_debug_output() {
        let created = Created {
            id: 3,
            plaintext: "3|secretsecret".into(),
            token: TokenRow {
                id: 3,
                name: "n".into(),
                abilities: None,
                tokenable_id: 1,
                owner_name: None,
                last_used_at: None,
                expires_at: None,
                created_at: None,
                revoked_at: None,
                revoked_by: None,
            },
        };
        assert!(!format!("{created:?}").contains("secretsecret"));
    }
}
