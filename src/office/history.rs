//! A changed value of an audit row as a person reads it: statuses in their language, money
//! in the record's currency, times in the staff member's format, an escrow's parts and a
//! decision waiting for its second approval in words, never as the JSON they are stored as.
//! The audit log, each record's history and `obryl audit tail` all read changes through here.

use serde_json::Value as JsonValue;

use super::format;
use crate::domain::Locale;
use crate::store::audit::AuditRow;
use crate::tr;

/// Fields of money records that hold amounts in minor units.
const MONEY_FIELDS: [&str; 12] = [
    "held",
    "released",
    "refunded",
    "amount",
    "returned",
    "gross_amount",
    "external_total",
    "amount_held",
    "amount_released",
    "amount_refunded",
    "agreed_amount",
    "budget_amount",
];

/// A field's name in the history ("statut", "assigned to"); its code when it has no words.
pub fn field_label(field: &str, locale: Locale) -> String {
    let key = format!("history.field.{field}");
    match tr(locale, &key, &[]) {
        t if t != key => t,
        _ => field.replace('_', " "),
    }
}

/// The currency of the record a row changed, when the row says it (a project's, a
/// commission's): the reader's, else the row's own.
fn currency_of<'a>(r: &'a AuditRow, currency: Option<&'a str>) -> Option<&'a str> {
    currency.or_else(|| {
        [&r.new_values, &r.old_values]
            .into_iter()
            .flatten()
            .find_map(|v| v.get("currency").and_then(JsonValue::as_str))
    })
}

/// Each changed field of a row: its name, the value before (∅ when there was none) and after.
pub fn changes(r: &AuditRow, locale: Locale, currency: Option<&str>) -> Vec<[String; 3]> {
    let currency = currency_of(r, currency);
    let (old, new) = (r.old_values.as_ref(), r.new_values.as_ref());
    let mut keys: Vec<&String> = [old, new]
        .into_iter()
        .flatten()
        .filter_map(JsonValue::as_object)
        .flat_map(|o| o.keys())
        .collect();
    keys.sort();
    keys.dedup();
    let side = |values: Option<&JsonValue>, k: &str| {
        values
            .and_then(|v| v.get(k))
            .map(|v| shown(r, k, v, locale, currency))
            .unwrap_or_else(|| "∅".into())
    };
    keys.into_iter()
        .map(|k| [field_label(k, locale), side(old, k), side(new, k)])
        .collect()
}

/// "status: pending → approved, held: ∅ → 18 600 000 XOF": the fields a row set, in the
/// staff member's language.
pub fn summary(r: &AuditRow, locale: Locale, currency: Option<&str>) -> String {
    let currency = currency_of(r, currency);
    let Some(new) = r.new_values.as_ref().and_then(JsonValue::as_object) else {
        return String::new();
    };
    let old = r.old_values.as_ref();
    new.iter()
        .map(|(k, v)| {
            let before = old.and_then(|o| o.get(k)).unwrap_or(&JsonValue::Null);
            format!(
                "{}: {} → {}",
                field_label(k, locale),
                shown(r, k, before, locale, currency),
                shown(r, k, v, locale, currency)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value of row `r` as shown: a person (`approved_by: 7`) by name when the row knows it.
fn shown(
    r: &AuditRow,
    field: &str,
    v: &JsonValue,
    locale: Locale,
    currency: Option<&str>,
) -> String {
    let person = field
        .ends_with("_by")
        .then(|| v.as_i64().and_then(|id| r.people.get(&id)))
        .flatten();
    match person {
        Some(name) => crate::domain::sanitize_line(name),
        None => value(&r.auditable_type, field, v, locale, currency),
    }
}

/// `field`'s value `v` on a record of `auditable_type`; `currency` is the record's, when the
/// reader knows it (an escrow's detail does; the audit log lists every kind of record).
pub fn value(
    auditable_type: &str,
    field: &str,
    v: &JsonValue,
    locale: Locale,
    currency: Option<&str>,
) -> String {
    let amount = |minor: i64| match currency {
        Some(c) => format::money(minor, c, locale),
        None => grouped(minor),
    };
    match (field, v) {
        (_, JsonValue::Null) => "∅".into(),
        ("pending_decision", JsonValue::Object(o)) => {
            let action = o.get("action").and_then(JsonValue::as_str).unwrap_or("");
            let how_much = amount(o.get("amount").and_then(JsonValue::as_i64).unwrap_or(0));
            let key = format!("history.decision.{action}");
            let mut said = tr(locale, &key, &[("amount", &how_much)]);
            if said == key {
                said = format!("{action} {how_much}");
            }
            if let Some(client) = o.get("client").and_then(JsonValue::as_i64) {
                let client = amount(client);
                said.push_str(&tr(
                    locale,
                    "history.decision.client",
                    &[("amount", &client)],
                ));
            }
            said
        }
        ("parts", JsonValue::Object(o)) => {
            let part = |k: &str| amount(o.get(k).and_then(JsonValue::as_i64).unwrap_or(0));
            let mut out = vec![
                tr(
                    locale,
                    "history.parts.developer",
                    &[("amount", &part("developer"))],
                ),
                tr(
                    locale,
                    "history.parts.platform",
                    &[("amount", &part("platform"))],
                ),
            ];
            let contributors = o.get("contributors").and_then(JsonValue::as_array);
            for c in contributors.into_iter().flatten() {
                // `[id, amount]`, or `{"ext_commission_id": id, "amount": amount}`.
                let field = |i: usize, name: &str| {
                    c.get(i)
                        .or_else(|| c.get(name))
                        .and_then(JsonValue::as_i64)
                        .unwrap_or(0)
                };
                let (id, minor) = (field(0, "ext_commission_id"), field(1, "amount"));
                let (id, money) = (id.to_string(), amount(minor));
                out.push(tr(
                    locale,
                    "history.parts.contributor",
                    &[("id", &id), ("amount", &money)],
                ));
            }
            out.join(" · ")
        }
        (f, JsonValue::Number(n)) if MONEY_FIELDS.contains(&f) && n.is_i64() => {
            amount(n.as_i64().unwrap_or(0))
        }
        ("paused_seconds", JsonValue::Number(n)) if n.is_i64() => {
            format::span(n.as_i64().unwrap_or(0), locale)
        }
        ("rate_bps", JsonValue::Number(n)) if n.is_i64() => {
            crate::domain::format_rate(n.as_i64().unwrap_or(0), locale)
        }
        (f, JsonValue::String(s)) if status_kind(auditable_type, f).is_some() => {
            format::status(status_kind(auditable_type, f).unwrap_or(""), s, locale)
        }
        ("provider", JsonValue::String(s)) => super::words::provider(s, locale),
        ("flags", JsonValue::Array(_)) if auditable_type == "referral" => {
            super::referral_flags::summary(Some(v), locale)
        }
        (_, JsonValue::String(s)) => match time(s) {
            Some(t) => format::absolute(Some(t), locale),
            None => s.clone(),
        },
        (_, JsonValue::Bool(b)) => tr(locale, if *b { "settings.yes" } else { "settings.no" }, &[]),
        (_, other) => other.to_string(),
    }
}

/// A text that is a time (RFC 3339, or the database's `2026-03-01 09:30:00`), as stored.
fn time(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if s.len() < 19 || !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

/// Which list of words a text field's codes are read from.
fn status_kind(auditable_type: &str, field: &str) -> Option<&'static str> {
    match (auditable_type, field) {
        ("support_ticket", "status") => Some("ticket"),
        ("commission" | "ext_commission", "status") => Some("commission"),
        ("project", "status") => Some("project"),
        ("article", "status") => Some("article"),
        ("escrow", "status") => Some("escrow"),
        ("payment_transaction", "status") => Some("payment"),
        ("referral_reward", "status") => Some("referral_reward"),
        ("media", "moderation_status") => Some("media"),
        (_, "priority") => Some("priority"),
        (_, "availability") => Some("availability"),
        (_, "category") => Some("category"),
        (_, "payout_method") => Some("payout"),
        ("user", "locale") => Some("locale"),
        ("payment_transaction", "direction") => Some("payment_direction"),
        _ => None,
    }
}

/// "1 720 000": an amount whose currency the reader does not know, digits grouped.
fn grouped(minor: i64) -> String {
    let digits = minor.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if minor < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn money_parts_and_decisions_read_as_words() {
        let v = json!({"action": "release", "amount": 1_720_000, "client": null});
        let s = value("escrow", "pending_decision", &v, Locale::En, Some("XOF"));
        assert_eq!(s, "release 1,720,000 XOF");
        let v = json!({"contributors": [[16, 1500]], "developer": 0, "platform": 2_000_000});
        let s = value("escrow", "parts", &v, Locale::En, Some("XOF"));
        assert_eq!(
            s,
            "developer 0 XOF · platform 2,000,000 XOF · contributor X-16 1,500 XOF"
        );
        let s = value("escrow", "held", &json!(50_000), Locale::En, Some("EUR"));
        assert_eq!(s, "€500.00");
        assert_eq!(
            value("escrow", "held", &json!(18_600_000), Locale::En, None),
            "18\u{202f}600\u{202f}000"
        );
        assert!(!value("escrow", "parts", &v, Locale::Fr, Some("XOF")).contains('{'));
        // As the service writes them: contributors as objects.
        let v = json!({"contributors": [{"ext_commission_id": 16, "amount": 1500}],
                       "developer": 0, "platform": 0});
        let s = value("escrow", "parts", &v, Locale::Fr, Some("XOF"));
        assert!(s.contains("X-16") && s.contains("1 500 XOF"), "{s}");
    }

    fn row(old: serde_json::Value, new: serde_json::Value) -> AuditRow {
        AuditRow {
            id: 1,
            user_id: None,
            user_name: None,
            event: "held".into(),
            auditable_type: "escrow".into(),
            auditable_id: 85,
            old_values: Some(old),
            new_values: Some(new),
            url: None,
            ip_address: None,
            user_agent: None,
            tags: None,
            people: Default::default(),
            created_at: None,
        }
    }

    #[test]
    fn amounts_times_and_rates_never_read_as_codes() {
        let r = row(
            json!({"amount_held": 0, "status": "awaiting_funds", "parts": null}),
            json!({"amount_held": 18_600_000, "status": "held",
                   "parts": {"contributors": [], "developer": 15_810_000, "platform": 2_790_000}}),
        );
        let s = summary(&r, Locale::En, Some("XOF"));
        assert!(s.contains("held: 0 XOF → 18,600,000 XOF"), "{s}");
        assert!(s.contains("parts: ∅ → developer 15,810,000 XOF"), "{s}");
        assert!(!s.contains('{'), "{s}");
        let fr = summary(&r, Locale::Fr, Some("XOF"));
        assert!(fr.contains("18 600 000 XOF"), "{fr}");
        // A project's own currency is read from the row when the reader does not know it.
        let r = row(
            json!({"agreed_amount": null}),
            json!({"agreed_amount": 815_000, "currency": "XOF",
                   "deadline_at": "2027-01-16T04:00:00+00:00", "rate_bps": 1500}),
        );
        let s = summary(&r, Locale::Fr, None);
        assert!(s.contains("815 000 XOF"), "{s}");
        assert!(s.contains("16/01/2027 04:00 UTC"), "{s}");
        assert!(s.contains("15,00 %"), "{s}");
        assert!(!s.contains("2027-01-16T"), "{s}");
        let changes = changes(&r, Locale::En, None);
        assert!(
            changes
                .iter()
                .any(|[f, before, _]| f == "agreed amount" && before == "∅")
        );
    }
}
