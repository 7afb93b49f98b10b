//! A referral's fraud flags as both front ends say them: each signal in words with its
//! evidence ("Shared phone: +221 77 100 21 84", "Code burst: 11 sign-ups on 2026-03-01"),
//! read from what `service::referral_flags` stored.

use serde_json::Value as JsonValue;

use crate::domain::{Locale, sanitize_line};
use crate::tr;

/// The flag mark, beside a flagged referral.
pub const MARK: &str = "⚑";

/// The stored flags (an array of `{"code", "evidence", …}`); none when absent or malformed.
pub fn of(flags: Option<&JsonValue>) -> &[JsonValue] {
    flags
        .and_then(JsonValue::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A signal's name in words; its code when it has none.
pub fn name(code: &str, locale: Locale) -> String {
    let key = format!("referral_flag.{code}");
    match tr(locale, &key, &[]) {
        t if t != key => t,
        _ => code.replace('_', " "),
    }
}

/// The evidence in words: a project by its number, a burst by its count and day, else the
/// stored text.
pub fn evidence(flag: &JsonValue, locale: Locale) -> String {
    let text = |k: &str| flag.get(k).and_then(JsonValue::as_str).unwrap_or_default();
    let number = |k: &str| flag.get(k).and_then(JsonValue::as_i64);
    let said = match (text("code"), number("project_id"), number("uses")) {
        ("hired_each_other", Some(id), _) => {
            tr(locale, "referral_flag.project", &[("id", &id.to_string())])
        }
        ("code_burst", _, Some(uses)) => tr(
            locale,
            "referral_flag.burst",
            &[("uses", &uses.to_string()), ("day", text("day"))],
        ),
        _ => text("evidence").to_owned(),
    };
    sanitize_line(&said)
}

/// "Shared phone: +221 77 100 21 84".
pub fn line(flag: &JsonValue, locale: Locale) -> String {
    let code = flag.get("code").and_then(JsonValue::as_str).unwrap_or("?");
    let evidence = evidence(flag, locale);
    if evidence.is_empty() {
        name(code, locale)
    } else {
        tr(
            locale,
            "referral_flag.line",
            &[("name", &name(code, locale)), ("evidence", &evidence)],
        )
    }
}

/// Every flag on one line, "—" for none.
pub fn summary(flags: Option<&JsonValue>, locale: Locale) -> String {
    let lines: Vec<String> = of(flags).iter().map(|f| line(f, locale)).collect();
    if lines.is_empty() {
        "—".into()
    } else {
        lines.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn flags_read_in_words_with_their_evidence() {
        let flags = json!([
            {"code": "shared_phone", "evidence": "+221 77 100 21 84"},
            {"code": "hired_each_other", "evidence": "#42", "project_id": 42},
            {"code": "code_burst", "evidence": "2026-03-01: 11", "uses": 11, "day": "2026-03-01"},
            {"code": "some_new_signal", "evidence": "x\u{1b}[2J"},
        ]);
        let en: Vec<String> = of(Some(&flags))
            .iter()
            .map(|f| line(f, Locale::En))
            .collect();
        assert_eq!(en[0], "Shared phone: +221 77 100 21 84");
        assert_eq!(en[1], "Hired each other: project #42");
        assert_eq!(en[2], "Code burst: 11 sign-ups on 2026-03-01");
        assert!(en[3].starts_with("some new signal: x") && !en[3].contains('\u{1b}'));
        let fr = line(&flags[0], Locale::Fr);
        assert_eq!(fr, "Téléphone partagé : +221 77 100 21 84");
        assert_eq!(summary(Some(&json!([])), Locale::En), "—");
        assert_eq!(summary(None, Locale::Fr), "—");
    }
}
