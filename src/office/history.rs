//! A changed value of an audit row as a person reads it: statuses in their language, money
//! in the record's currency, an escrow's parts and a decision waiting for its second
//! approval in words, never as the JSON they are stored as.

use serde_json::Value as JsonValue;

use super::format;
use crate::domain::Locale;
use crate::tr;

/// Fields of money records that hold amounts in minor units.
const MONEY_FIELDS: [&str; 7] = [
    "held",
    "released",
    "refunded",
    "amount",
    "returned",
    "gross_amount",
    "external_total",
];

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
                let id = c.get(0).and_then(JsonValue::as_i64).unwrap_or(0);
                let minor = c.get(1).and_then(JsonValue::as_i64).unwrap_or(0);
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
        (f, JsonValue::String(s)) if status_kind(auditable_type, f).is_some() => {
            format::status(status_kind(auditable_type, f).unwrap_or(""), s, locale)
        }
        (_, JsonValue::String(s)) => s.clone(),
        (_, JsonValue::Bool(b)) => tr(locale, if *b { "settings.yes" } else { "settings.no" }, &[]),
        (_, other) => other.to_string(),
    }
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
        (_, "priority") => Some("priority"),
        (_, "availability") => Some("availability"),
        (_, "category") => Some("category"),
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
    }
}
