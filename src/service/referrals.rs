//! Referral codes: the codes clients and developers hand out, created and disabled by staff
//! holding `referrals.manage` (audited), read by any staff member. A code rewards a rate of the
//! platform's commission (the program's default unless given), capped per reward and per
//! referral in each currency it names, for at most `max_uses` sign-ups until it expires.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{Value as JsonValue, json};

use crate::domain::{Currency, Role, UseCase};
use crate::store::referrals::{CodeRow, NewCode as StoredCode, ReferredRow};
use crate::store::{self, Db};

use super::bootstrap::keys;
use super::record::{Change, Diff, record_and_commit};
use super::{Actor, Origin, Result, Said, ServiceError, access};

/// Caps of one currency, in its minor units (None: no cap).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Caps {
    pub per_reward: Option<i64>,
    pub per_referral: Option<i64>,
}

/// What staff give to create a code.
#[derive(Clone, Debug, Default)]
pub struct NewCode {
    /// The client or developer who hands it out.
    pub owner_email: String,
    /// Letters, digits and hyphens (made from random letters when None).
    pub code: Option<String>,
    /// Basis points of the platform's commission (the program's default when None).
    pub rate_bps: Option<i64>,
    pub max_uses: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    pub caps: Vec<(Currency, Caps)>,
}

fn invalid(key: &'static str) -> ServiceError {
    ServiceError::Invalid {
        field: "referral_code",
        message: Said::new(key),
    }
}

/// A code as stored: upper case, 4 to 24 letters, digits or hyphens.
fn normalised(code: &str) -> Result<String> {
    let code = code.trim().to_uppercase();
    let ok = (4..=24).contains(&code.chars().count())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(code)
    } else {
        Err(ServiceError::Invalid {
            field: "referral_code",
            message: Said::new("referral_code_format").arg("value", &code),
        })
    }
}

/// Eight letters and digits nobody confuses (no 0/O, 1/I).
fn random_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..8)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn caps_json(caps: &[(Currency, Caps)]) -> Result<JsonValue> {
    let mut map = serde_json::Map::new();
    for (currency, c) in caps {
        if [c.per_reward, c.per_referral]
            .iter()
            .flatten()
            .any(|a| *a < 0)
        {
            return Err(invalid("referral_cap_negative"));
        }
        map.insert(
            currency.code().to_owned(),
            json!({"per_reward": c.per_reward, "per_referral": c.per_referral}),
        );
    }
    Ok(JsonValue::Object(map))
}

/// The program's default reward rate (`referrals.default_rate_bps`).
async fn default_rate_bps(c: &mut impl store::Conn) -> Result<i64> {
    let row = store::settings::get(c, keys::REFERRALS, keys::REFERRAL_RATE_BPS).await?;
    Ok(row.and_then(|r| r.payload.as_i64()).unwrap_or(1_000))
}

/// Creates a code for a client or developer (`referrals.manage`), audited on the code.
pub async fn create_code(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    new: &NewCode,
) -> Result<CodeRow> {
    let code = match &new.code {
        Some(code) => normalised(code)?,
        None => random_code(),
    };
    if let Some(bps) = new.rate_bps
        && !(0..=10_000).contains(&bps)
    {
        return Err(crate::domain::DomainError::InvalidRate { bps }.into());
    }
    if new.max_uses.is_some_and(|n| n < 0) {
        return Err(invalid("referral_max_uses"));
    }
    let now = super::now();
    if new.expires_at.is_some_and(|at| at <= now) {
        return Err(invalid("referral_expiry_past"));
    }
    let caps = caps_json(&new.caps)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::ReferralCodeManage).await?;
    let email = new.owner_email.trim().to_lowercase();
    let owner = store::users::find_by_email(&mut tx, &email)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(ServiceError::NotFound {
            what: "user",
            key: email.clone(),
        })?;
    // Staff hand out no codes: the owner is a client or developer (by role, or a platform
    // account holding no staff role).
    let roles: Vec<Role> = store::users::roles_of(&mut tx, owner.id)
        .await?
        .iter()
        .filter_map(|r| Role::parse(r).ok())
        .collect();
    let platform_user = roles.iter().any(|r| !r.is_staff()) || roles.is_empty();
    if !platform_user {
        return Err(ServiceError::Invalid {
            field: "referral_code",
            message: Said::new("referral_owner").arg("value", &owner.email),
        });
    }
    if store::referrals::by_code(&mut tx, &code).await?.is_some() {
        return Err(ServiceError::Duplicate {
            field: "referral_code",
            value: code,
        });
    }
    let rate_bps = match new.rate_bps {
        Some(bps) => bps,
        None => default_rate_bps(&mut tx).await?,
    };
    let id = store::referrals::insert(
        &mut tx,
        &StoredCode {
            user_id: owner.id,
            code: &code,
            reward_rate_bps: rate_bps,
            reward_caps: caps.clone(),
            max_uses: new.max_uses,
            expires_at: new.expires_at,
            created_by: Some(actor.id),
            now,
        },
    )
    .await?;
    let created = store::referrals::by_code(&mut tx, &code)
        .await?
        .ok_or_else(|| ServiceError::Internal(format!("referral code {id} missing")))?;
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "created",
            subject_type: "referral_code",
            subject_id: id,
            diff: Diff::created([
                ("code", json!(code)),
                ("user_id", json!(owner.id)),
                ("reward_rate_bps", json!(rate_bps)),
                ("reward_caps", caps),
                ("max_uses", json!(new.max_uses)),
                ("expires_at", json!(new.expires_at)),
            ]),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(created)
}

/// Disables a code (`referrals.manage`): it brings no more sign-ups; what it brought stays.
/// False when it already was disabled.
pub async fn disable_code(db: &Db, actor: &Actor, origin: &Origin, code: &str) -> Result<bool> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::ReferralCodeManage).await?;
    let row = store::referrals::by_code(&mut tx, code)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "referral_code",
            key: code.trim().to_uppercase(),
        })?;
    let now = super::now();
    if !store::referrals::disable(&mut tx, row.id, Some(actor.id), now).await? {
        return Ok(false);
    }
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "disabled",
            subject_type: "referral_code",
            subject_id: row.id,
            diff: Diff::new().field("disabled_at", JsonValue::Null, json!(now)),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(true)
}

/// The newest codes, at most `limit` (any staff member).
pub async fn codes(db: &Db, actor: &Actor, limit: u64) -> Result<Vec<CodeRow>> {
    access::authorize(db, actor, UseCase::DataRead).await?;
    Ok(store::referrals::codes(&mut db.clone(), limit).await?)
}

/// One code and the people it brought (the newest 200).
pub async fn code(db: &Db, actor: &Actor, code: &str) -> Result<(CodeRow, Vec<ReferredRow>)> {
    access::authorize(db, actor, UseCase::DataRead).await?;
    let mut c = db.clone();
    let row = store::referrals::by_code(&mut c, code)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "referral_code",
            key: code.trim().to_uppercase(),
        })?;
    let referred = store::referrals::referred_by(&mut c, row.id, 200).await?;
    Ok((row, referred))
}

/// The sign-up link of a code: the platform's sign-up URL with the code appended.
pub fn link(signup_url: &str, code: &str) -> String {
    format!("{signup_url}{}", urlencoding_code(code))
}

/// Codes are letters, digits and hyphens: nothing to escape, but never trust a stored one.
fn urlencoding_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_case_letters_digits_and_hyphens() {
        assert_eq!(normalised(" awa-2026 ").unwrap(), "AWA-2026");
        assert!(normalised("abc").is_err());
        assert!(normalised("awa 2026").is_err());
        assert!(normalised(&"A".repeat(25)).is_err());
        let generated = random_code();
        assert_eq!(normalised(&generated).unwrap(), generated);
        assert_eq!(
            link("https://obryl.example.test/register?ref=", "AWA-2026\u{1b}"),
            "https://obryl.example.test/register?ref=AWA-2026"
        );
    }
}
