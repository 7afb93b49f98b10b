//! Partners' API tokens in Laravel Sanctum's format, so tokens the platform issued keep working.
//!
//! A token is shown once as `ID|SECRET`: `ID` is the row's id and `SECRET` is what Sanctum 4
//! generates, an optional prefix, 40 random letters and digits, then the CRC32b of those 40 in
//! hex (so secret scanners recognise a leaked token). Only the SHA-256 (hex) of `SECRET` is
//! stored. Older Sanctum secrets are the 40 characters alone; both verify the same way, by the
//! hash of whatever follows the `|`.

use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

/// Random characters in a secret (Sanctum's `Str::random(40)`).
pub const SECRET_LEN: usize = 40;
/// A token's name, in bytes (the platform's VARCHAR(255)).
pub const NAME_MAX_BYTES: usize = 255;
/// The longest expiry a token may be given, in days (ten years).
pub const MAX_EXPIRY_DAYS: u32 = 3650;
/// The abilities a person may choose, as the refusals list them.
pub const ABILITY_CHOICES: &str =
    "projects:read, commissions:read, escrows:read, tickets:read or *";

string_enum! {
    /// What a token may read. `*` is every ability, present and future (Sanctum's wildcard).
    pub enum Ability : "API ability" {
        ProjectsRead => "projects:read",
        CommissionsRead => "commissions:read",
        EscrowsRead => "escrows:read",
        TicketsRead => "tickets:read",
        All => "*",
    }
}

/// Why the abilities asked for a new token were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AbilityError {
    #[error("give at least one ability: {ABILITY_CHOICES}")]
    Empty,
    #[error("{0} is not an API ability; use {ABILITY_CHOICES}")]
    Unknown(String),
}

/// The abilities asked for a new token: trimmed, each known, at least one, without duplicates,
/// in the order given. `*` alone stands for all of them.
pub fn parse_abilities<S: AsRef<str>>(asked: &[S]) -> Result<Vec<Ability>, AbilityError> {
    let mut out = Vec::new();
    for a in asked {
        let a = a.as_ref().trim();
        if a.is_empty() {
            continue;
        }
        let ability = Ability::parse(a).map_err(|_| AbilityError::Unknown(a.to_owned()))?;
        if !out.contains(&ability) {
            out.push(ability);
        }
    }
    if out.is_empty() {
        return Err(AbilityError::Empty);
    }
    if out.contains(&Ability::All) {
        return Ok(vec![Ability::All]);
    }
    Ok(out)
}

/// The `abilities` column: a JSON array of strings, as Sanctum writes it.
pub fn abilities_json(abilities: &[Ability]) -> String {
    let names: Vec<&str> = abilities.iter().map(|a| a.as_str()).collect();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".into())
}

/// The abilities a stored token holds. Names this program does not know (a platform token's
/// own abilities) are kept: they grant nothing here but are shown as they are. A column that
/// is not a JSON array of strings holds none.
pub fn stored_abilities(column: Option<&str>) -> Vec<String> {
    column
        .and_then(|text| serde_json::from_str::<Vec<String>>(text).ok())
        .unwrap_or_default()
}

/// Sanctum's `can`: the wildcard or the ability itself.
pub fn can<S: AsRef<str>>(abilities: &[S], ability: Ability) -> bool {
    abilities
        .iter()
        .any(|a| a.as_ref() == Ability::All.as_str() || a.as_ref() == ability.as_str())
}

/// A secret in Sanctum 4's form: `prefix`, 40 random letters and digits, their CRC32b.
pub fn generate_secret<R: Rng + ?Sized>(rng: &mut R, prefix: &str) -> String {
    let entropy: String = (0..SECRET_LEN)
        .map(|_| char::from(rng.sample(Alphanumeric)))
        .collect();
    format!("{prefix}{entropy}{:08x}", crc32b(entropy.as_bytes()))
}

/// What is stored for a secret: its SHA-256 in lowercase hex (64 characters).
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` hashes to `stored`, compared in constant time (Sanctum's `hash_equals`).
pub fn verify(stored: &str, secret: &str) -> bool {
    let computed = hash_secret(secret);
    let (a, b) = (stored.as_bytes(), computed.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The plaintext shown once: `ID|SECRET`.
pub fn plaintext(id: i64, secret: &str) -> String {
    format!("{id}|{secret}")
}

/// A token as presented in `Authorization: Bearer …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presented<'a> {
    /// `ID|SECRET`: the row is found by id, then the hash compared.
    WithId { id: i64, secret: &'a str },
    /// A secret alone (Sanctum also accepts it): the row is found by the hash.
    Bare { secret: &'a str },
}

impl Presented<'_> {
    pub fn secret(&self) -> &str {
        match self {
            Presented::WithId { secret, .. } | Presented::Bare { secret } => secret,
        }
    }
}

/// Reads a presented token; None when it cannot be one (empty, a non-numeric id, no secret,
/// or characters a token never has).
pub fn parse_presented(token: &str) -> Option<Presented<'_>> {
    let token = token.trim();
    let printable = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b'|');
    match token.split_once('|') {
        Some((id, secret)) => {
            let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
            printable(secret).then_some(Presented::WithId { id, secret })
        }
        None => printable(token).then_some(Presented::Bare { secret: token }),
    }
}

/// Whether a secret ends with the CRC32b of the 40 characters before it (Sanctum 4 tokens do;
/// older ones do not, and are accepted all the same).
pub fn has_checksum(secret: &str) -> bool {
    if secret.len() < SECRET_LEN + 8 || !secret.is_ascii() {
        return false;
    }
    let (body, sum) = secret.split_at(secret.len() - 8);
    let entropy = &body[body.len() - SECRET_LEN..];
    format!("{:08x}", crc32b(entropy.as_bytes())) == sum
}

/// CRC-32 (IEEE 802.3, reflected, as zlib and PHP's `hash('crc32b', …)` compute it).
pub fn crc32b(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    #[test]
    fn crc32b_matches_php() {
        // hash('crc32b', …) in PHP.
        assert_eq!(crc32b(b"123456789"), 0xcbf4_3926);
        assert_eq!(
            crc32b(b"The quick brown fox jumps over the lazy dog"),
            0x414f_a339
        );
        assert_eq!(crc32b(b""), 0);
    }

    #[test]
    fn sha256_is_stored_in_lowercase_hex() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_generated_secret_has_sanctums_shape() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let s = generate_secret(&mut rng, "");
        assert_eq!(s.len(), 48);
        assert!(s[..40].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(has_checksum(&s));
        let prefixed = generate_secret(&mut rng, "obryl_");
        assert!(prefixed.starts_with("obryl_") && has_checksum(&prefixed));
    }

    #[test]
    fn tokens_with_and_without_checksum_or_prefix_verify() {
        // A Sanctum 3 token (40 characters), a Sanctum 4 one, and one with a prefix.
        for secret in [
            "kV3pQ9sT2wX7yZ1aB4cD6eF8gH0jK2lM4nP6qR8s",
            "kV3pQ9sT2wX7yZ1aB4cD6eF8gH0jK2lM4nP6qR8s1e0c5f9b",
            "plat_kV3pQ9sT2wX7yZ1aB4cD6eF8gH0jK2lM4nP6qR8s1e0c5f9b",
        ] {
            let stored = hash_secret(secret);
            let bearer = format!("12|{secret}");
            let presented = parse_presented(&bearer).unwrap();
            assert_eq!(presented, Presented::WithId { id: 12, secret });
            assert!(verify(&stored, presented.secret()));
            assert!(!verify(&stored, &format!("{secret}x")));
        }
    }

    #[test]
    fn presented_tokens_are_read_or_refused() {
        assert_eq!(
            parse_presented("abc"),
            Some(Presented::Bare { secret: "abc" })
        );
        for bad in [
            "", "|abc", "x|abc", "0|abc", "-3|abc", "12|", "12|a b", "12|a|b",
        ] {
            assert_eq!(parse_presented(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn abilities_parse_with_clear_errors() {
        assert_eq!(
            parse_abilities(&[" projects:read", "tickets:read", "projects:read"]),
            Ok(vec![Ability::ProjectsRead, Ability::TicketsRead])
        );
        assert_eq!(
            parse_abilities(&["projects:read", "*"]),
            Ok(vec![Ability::All])
        );
        assert_eq!(parse_abilities::<&str>(&[]), Err(AbilityError::Empty));
        assert_eq!(parse_abilities(&[" ", ""]), Err(AbilityError::Empty));
        let e = parse_abilities(&["projects:write"]).unwrap_err();
        assert_eq!(e, AbilityError::Unknown("projects:write".into()));
        assert_eq!(
            e.to_string(),
            "projects:write is not an API ability; use projects:read, commissions:read, \
             escrows:read, tickets:read or *"
        );
    }

    #[test]
    fn can_follows_sanctum() {
        let read = ["projects:read".to_owned(), "server:update".to_owned()];
        assert!(can(&read, Ability::ProjectsRead));
        assert!(!can(&read, Ability::CommissionsRead));
        assert!(can(&["*"], Ability::EscrowsRead));
        assert!(!can::<&str>(&[], Ability::ProjectsRead));
    }

    #[test]
    fn stored_abilities_tolerate_what_the_platform_wrote() {
        assert_eq!(stored_abilities(Some(r#"["*"]"#)), vec!["*".to_owned()]);
        assert_eq!(
            stored_abilities(Some(&abilities_json(&[
                Ability::ProjectsRead,
                Ability::TicketsRead
            ]))),
            vec!["projects:read".to_owned(), "tickets:read".to_owned()]
        );
        assert!(stored_abilities(Some("not json")).is_empty());
        assert!(stored_abilities(Some(r#"{"a":1}"#)).is_empty());
        assert!(stored_abilities(None).is_empty());
    }

    fn config() -> ProptestConfig {
        ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn every_generated_token_verifies_and_no_other_does(
            seed in any::<u64>(),
            id in 1i64..i64::MAX,
            flip in 0usize..48,
        ) {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let secret = generate_secret(&mut rng, "");
            let stored = hash_secret(&secret);
            prop_assert_eq!(stored.len(), 64);
            let text = plaintext(id, &secret);
            let presented = parse_presented(&text).unwrap();
            prop_assert_eq!(&presented, &Presented::WithId { id, secret: &secret });
            prop_assert!(verify(&stored, presented.secret()));
            prop_assert!(has_checksum(&secret));
            // Any one character changed no longer verifies.
            let mut other = secret.clone().into_bytes();
            other[flip] = if other[flip] == b'a' { b'b' } else { b'a' };
            let other = String::from_utf8(other).unwrap();
            prop_assert!(!verify(&stored, &other));
        }

        #[test]
        fn parsing_never_panics_and_keeps_only_known_abilities(
            asked in proptest::collection::vec("[a-z:*]{0,16}", 0..6),
        ) {
            match parse_abilities(&asked) {
                Ok(abilities) => {
                    prop_assert!(!abilities.is_empty());
                    let back = stored_abilities(Some(&abilities_json(&abilities)));
                    for a in &abilities {
                        prop_assert!(can(&back, *a));
                    }
                }
                Err(AbilityError::Unknown(a)) => prop_assert!(Ability::parse(&a).is_err()),
                Err(AbilityError::Empty) => {
                    prop_assert!(asked.iter().all(|a| a.trim().is_empty()));
                }
            }
        }

        #[test]
        fn presented_text_never_panics(text in "\\PC{0,80}") {
            let _ = parse_presented(&text);
        }
    }
}
