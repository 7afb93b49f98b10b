//! A notification's text in the reader's language, from its stored kind and parameters.

use crate::domain::Locale;
use crate::store::notifications::NotificationRow;
use crate::tr;

use crate::office::format;

pub fn text(n: &NotificationRow, locale: Locale) -> String {
    let data = &n.data;
    let kind = data["kind"].as_str().unwrap_or(&n.kind);
    let p = &data["params"];
    let s = |k: &str| match &p[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let amount = match (p["amount"].as_i64(), p["currency"].as_str()) {
        (Some(a), Some(c)) => format::money(a, c, locale),
        _ => String::new(),
    };
    let actor = data["actor"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let key = format!("notification.{kind}");
    let out = tr(
        locale,
        &key,
        &[
            ("amount", &amount),
            ("project", &s("project_title")),
            ("reference", &s("reference")),
            ("subject", &s("subject")),
            ("reason", &s("reason")),
            ("actor", &actor),
            ("from", &s("from")),
            ("to", &s("to")),
            ("developer", &s("developer")),
            ("name", &s("name")),
            ("endpoint_url", &s("endpoint_url")),
        ],
    );
    // A kind without words of its own still reads as a sentence, never as a code.
    if out == key {
        tr(locale, "notification_other", &[("kind", kind)])
    } else {
        out
    }
}
