//! Errors and outcomes in the staff member's language, from the typed code and parameters.

use crate::domain::{DomainError, Locale};
use crate::service::ServiceError;
use crate::tr;

/// The text for an error in the staff member's language, from its code and parameters. Only
/// unexpected database and internal failures fall back to the English `Display` text (they are
/// also what the log shows).
pub fn error_text(e: &ServiceError, locale: Locale) -> String {
    let text = match e {
        ServiceError::Domain(d) => domain_text(d, locale),
        ServiceError::Store(_) | ServiceError::Internal(_) => store_text(e, locale),
        _ => service_text(e, locale),
    };
    match text {
        Some(text) if !is_missing(&text) => text,
        _ => e.to_string(),
    }
}

/// A key rust-i18n could not find comes back as the key itself.
fn is_missing(text: &str) -> bool {
    text.starts_with("error.") || text.starts_with("field.") || text.contains("%{")
}

/// `error.<code without its "service." or "domain." prefix>`.
fn key_of(code: &str) -> String {
    let short = code.split_once('.').map_or(code, |(_, rest)| rest);
    format!("error.{short}")
}

/// Looks `key` up, or `None` when neither locale file has it.
fn lookup(locale: Locale, key: &str, args: &[(&str, &str)]) -> Option<String> {
    let text = tr(locale, key, args);
    (text != key).then_some(text)
}

/// "The reason" / "Le motif" for a field name; the name itself when it has no translation.
pub fn field_name(field: &str, locale: Locale) -> String {
    lookup(locale, &format!("field.{field}"), &[]).unwrap_or_else(|| field.to_owned())
}

/// When something happened, as a sentence continues: "at 10:42" today, with the date
/// otherwise ("on 2026-11-30 at 10:42", "le 30/11/2026 à 10:42").
fn hhmm(at: &chrono::DateTime<chrono::Utc>, locale: Locale) -> String {
    let today = at.date_naive() == chrono::Utc::now().date_naive();
    let time = at.format("%H:%M");
    match (locale, today) {
        (Locale::En, true) => format!("at {time}"),
        (Locale::Fr, true) => format!("à {time}"),
        (Locale::En, false) => format!("on {} at {time}", at.format("%Y-%m-%d")),
        (Locale::Fr, false) => format!("le {} à {time}", at.format("%d/%m/%Y")),
    }
}

/// Who did it, or "the system" when no staff member did.
fn who(by: &Option<String>, locale: Locale) -> String {
    by.clone()
        .unwrap_or_else(|| tr(locale, "error.system", &[]))
}

/// "45 s", "3 min": a wait as a person reads it.
fn wait(seconds: i64) -> String {
    if seconds < 90 {
        format!("{seconds} s")
    } else {
        format!("{} min", (seconds + 59) / 60)
    }
}

fn service_text(e: &ServiceError, locale: Locale) -> Option<String> {
    let key = key_of(e.code());
    let n = |v: &i64| v.to_string();
    let text = match e {
        ServiceError::Forbidden { permission } => {
            let what = lookup(locale, &format!("error.permission.{permission}"), &[]);
            match what {
                Some(what) => tr(
                    locale,
                    "error.forbidden_described",
                    &[("what", &what), ("permission", permission)],
                ),
                None => tr(locale, &key, &[("permission", permission)]),
            }
        }
        ServiceError::NotFound { what, key: id } => {
            lookup(locale, &format!("error.not_found.{what}"), &[("key", id)]).unwrap_or_else(
                || {
                    tr(
                        locale,
                        "error.not_found.other",
                        &[("what", what), ("key", id)],
                    )
                },
            )
        }
        ServiceError::Domain(d) => return domain_text(d, locale),
        ServiceError::AlreadyDecided { status, by, at } => {
            // Other decisions than a commission's (a hidden review) have words of their own.
            let own = format!("status.decision.{status}");
            let status = match tr(locale, &own, &[]) {
                t if t != own => t,
                _ => crate::office::format::status("commission", status, locale),
            };
            tr(
                locale,
                &key,
                &[("status", &status), ("by", by), ("at", &hhmm(at, locale))],
            )
        }
        ServiceError::Stale { .. }
        | ServiceError::DeveloperIsClient
        | ServiceError::InvalidCredentials
        | ServiceError::SessionExpired
        | ServiceError::AlreadySeeded => tr(locale, &key, &[]),
        ServiceError::FourEyes(w) => tr(locale, &format!("{key}.{}", w.code()), &[]),
        ServiceError::OverCapacity {
            developer,
            week,
            planned,
            adding,
            capacity,
        } => tr(
            locale,
            &key,
            &[
                ("developer", developer),
                ("week", &week.to_string()),
                ("planned", &n(planned)),
                ("adding", &n(adding)),
                ("capacity", &n(capacity)),
            ],
        ),
        ServiceError::CapacityBelowPlanned {
            developer,
            week,
            planned,
            asked,
        } => tr(
            locale,
            &key,
            &[
                ("developer", developer),
                ("week", &week.to_string()),
                ("planned", &n(planned)),
                ("asked", &n(asked)),
            ],
        ),
        ServiceError::MaxBelowActive {
            developer,
            active,
            asked,
        } => plural(
            locale,
            &key,
            *active as usize,
            &[
                ("developer", developer),
                ("active", &n(active)),
                ("asked", &n(asked)),
            ],
        ),
        ServiceError::TooManyProjects {
            developer,
            active,
            max,
        } => tr(
            locale,
            &key,
            &[
                ("developer", developer),
                ("active", &n(active)),
                ("max", &n(max)),
            ],
        ),
        ServiceError::Unavailable {
            developer,
            availability,
        } => {
            let availability = crate::office::format::status("availability", availability, locale);
            tr(
                locale,
                &key,
                &[("developer", developer), ("availability", &availability)],
            )
        }
        ServiceError::AwaitingSecond {
            by,
            at,
            action,
            amount,
            currency,
        } => {
            let action = tr(locale, &format!("error.escrow_action.{action}"), &[]);
            let money = crate::office::format::money(*amount, currency, locale);
            tr(
                locale,
                &key,
                &[
                    ("by", by),
                    ("at", &hhmm(at, locale)),
                    ("action", &action),
                    ("amount", &money),
                ],
            )
        }
        ServiceError::NotADeveloper { name } => tr(locale, &key, &[("name", name)]),
        ServiceError::AlreadyAssigned { to, .. } => tr(locale, &key, &[("to", to)]),
        ServiceError::Duplicate { field, value } => tr(
            locale,
            &key,
            &[("field", &field_name(field, locale)), ("value", value)],
        ),
        ServiceError::Invalid { field, message } => tr(
            locale,
            &key,
            &[
                ("field", &field_name(field, locale)),
                ("message", &said_text(message, locale)),
            ],
        ),
        ServiceError::SettingLocked { name } => tr(locale, &key, &[("name", name)]),
        ServiceError::NotStaff { email } => tr(locale, &key, &[("email", email)]),
        ServiceError::RoleRule(rule) => {
            let missing = match rule {
                crate::domain::RoleRule::MoreThanHeld(m) => {
                    m.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
                }
                _ => String::new(),
            };
            tr(
                locale,
                &format!("error.role_rule.{}", rule.code()),
                &[("missing", &missing)],
            )
        }
        ServiceError::RoleRemoved { role, at, by } => tr(
            locale,
            &key,
            &[
                ("role", role),
                ("at", &hhmm(at, locale)),
                ("by", &who(by, locale)),
            ],
        ),
        ServiceError::SessionRevoked { at, by } => tr(
            locale,
            &key,
            &[("at", &hhmm(at, locale)), ("by", &who(by, locale))],
        ),
        ServiceError::AccountDeleted { at } => tr(locale, &key, &[("at", &hhmm(at, locale))]),
        ServiceError::Throttled {
            until,
            wait_seconds,
        } => tr(
            locale,
            &key,
            &[
                ("at", &until.format("%H:%M:%S").to_string()),
                ("wait", &wait(*wait_seconds)),
            ],
        ),
        ServiceError::Store(_) | ServiceError::Internal(_) => return store_text(e, locale),
    };
    Some(text)
}

/// The database failures a person can act on; `None` for the unexpected ones.
fn store_text(e: &ServiceError, locale: Locale) -> Option<String> {
    use crate::store::StoreError;
    match e {
        ServiceError::Store(StoreError::Connect { target, reason }) => Some(tr(
            locale,
            "error.cannot_connect",
            &[("target", target), ("reason", reason)],
        )),
        e if e.is_connection_lost() => Some(tr(locale, "error.connection_lost", &[])),
        ServiceError::Store(StoreError::NotMigrated) => Some(tr(locale, "error.not_migrated", &[])),
        _ => None,
    }
}

fn domain_text(e: &DomainError, locale: Locale) -> Option<String> {
    let key = match e {
        // The rules that refuse a negative amount also refuse nothing at all (a release of 0):
        // 0 is not negative, it is not enough.
        DomainError::NegativeAmount { input } if is_zero(input) => "error.zero_amount".to_owned(),
        DomainError::TooManyDecimals { max: 0, .. } => "error.too_many_decimals.whole".to_owned(),
        DomainError::TooManyDecimals { max, .. } => {
            let one = match locale {
                Locale::Fr => *max <= 1,
                Locale::En => *max == 1,
            };
            format!(
                "error.too_many_decimals.{}",
                if one { "one" } else { "other" }
            )
        }
        _ => key_of(e.code()),
    };
    let state_kind = match e {
        DomainError::IllegalTransition { kind, .. } => *kind,
        _ => "",
    };
    let mut params: Vec<(&str, String)> = Vec::new();
    let raw = e.params();
    // Amounts in an error about one currency read as money ("120 000 XOF").
    let currency = raw
        .iter()
        .find(|(n, _)| *n == "currency")
        .map(|(_, v)| v.clone());
    for (name, value) in raw {
        let value = match (name, e, &currency) {
            ("asked" | "remaining" | "developer" | "client" | "amount", _, Some(c)) => {
                crate::office::format::money(value.parse().unwrap_or_default(), c, locale)
            }
            _ => value,
        };
        let value = match (name, e) {
            ("field", _) => field_name(&value, locale),
            ("kind", DomainError::UnknownStatus { .. }) => {
                lookup(locale, &format!("error.kind.{value}"), &[])?
            }
            ("kind", _) => lookup(locale, &format!("error.noun.{value}"), &[])?,
            ("from" | "to", _) => state_name(state_kind, &value, locale),
            ("max_bytes", _) => {
                params.push(("max", value.clone()));
                value
            }
            _ => value,
        };
        params.push((name, value));
    }
    let args: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Some(tr(locale, &key, &args))
}

/// "0", "0,00", "0.0": an amount that is zero as written.
fn is_zero(input: &str) -> bool {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}'))
        .collect();
    !digits.is_empty()
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits.chars().all(|c| matches!(c, '0' | '.' | ','))
}

/// A state's name: the screens' status words, or the escrow's own (no screen lists them).
fn state_name(kind: &str, value: &str, locale: Locale) -> String {
    if kind == "escrow"
        && let Some(text) = lookup(locale, &format!("error.escrow_status.{value}"), &[])
    {
        return text;
    }
    crate::office::format::status(kind, value, locale)
}

/// A validation message in the staff member's language, statuses in their words. A message
/// about a status may have a sentence of its own per status (`<key>_<status>`: "has already
/// succeeded", "a déjà été annulée"), where a status word would not agree with the sentence.
pub fn said_text(said: &crate::service::Said, locale: Locale) -> String {
    use crate::service::Arg;
    let text = |v: &Arg| match v {
        Arg::Text(t) => t.clone(),
        Arg::Status { kind, code } => crate::office::format::status(kind, code, locale),
    };
    let status = said.args.iter().find_map(|(_, v)| match v {
        Arg::Status { code, .. } => Some(code.as_str()),
        Arg::Text(_) => None,
    });
    if let Some(code) = status {
        let values: Vec<(&str, String)> = said.args.iter().map(|(n, v)| (*n, text(v))).collect();
        let args: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let own = format!("{}_{code}", said.locale_key());
        if let Some(t) = lookup(locale, &own, &args) {
            return t;
        }
    }
    said.render_with(locale, text)
}

/// A message of a conversation as the reader sees it: a system message written with its key
/// and values (`data`) in the reader's language, amounts in their format; any other message
/// (and a system message written before keys were kept, or whose key this program does not
/// know) as stored.
pub fn message_text(m: &crate::store::messages::MessageRow, locale: Locale) -> String {
    m.data
        .as_ref()
        .and_then(|d| keyed_text(d, locale))
        .unwrap_or_else(|| m.body.clone())
}

/// `{"key": "escrow.system.released", "args": {"amount": {"minor": 50000, "currency":
/// "XOF"}}}` in `locale`; `None` when the key has no words here.
fn keyed_text(data: &serde_json::Value, locale: Locale) -> Option<String> {
    use serde_json::Value;
    let key = data.get("key")?.as_str()?;
    let mut values: Vec<(String, String)> = Vec::new();
    for (name, v) in data
        .get("args")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Object(o) => {
                let minor = o.get("minor")?.as_i64()?;
                let currency = o.get("currency")?.as_str()?;
                crate::office::format::money(minor, currency, locale)
            }
            Value::Null => String::new(),
            other => other.to_string(),
        };
        values.push((name.clone(), text));
    }
    let args: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    lookup(locale, key, &args).filter(|t| !t.contains("%{"))
}

/// Picks `key.one` or `key.other` by the language's plural rule (French: 0 and 1 are singular).
pub fn plural(locale: Locale, key: &str, n: usize, args: &[(&str, &str)]) -> String {
    let one = match locale {
        Locale::Fr => n <= 1,
        Locale::En => n == 1,
    };
    tr(
        locale,
        &format!("{key}.{}", if one { "one" } else { "other" }),
        args,
    )
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod wording_tests;
