//! What the CLI prints: plain-text tables and records (sanitised, width-aware), messages that
//! quote names (sanitised), and `--json` output (exact data, terminal controls escaped).

use chrono::{DateTime, SecondsFormat, Utc};

use crate::domain::{display_width, sanitize, sanitize_line, truncate_to_width};

/// Prints a message for a person (a success line that may quote names, titles or references
/// read from the database): escape sequences and control/bidi characters never reach the
/// terminal; the message's own line breaks stay.
pub fn say(message: &str) {
    println!("{}", sanitize(message));
}

/// A database value quoted inside a one-line message: sanitised and on one line, so a name
/// cannot forge a second line of output.
pub fn quote(value: &str) -> String {
    sanitize_line(value)
}

/// A time as every `--json` output writes it: RFC 3339 in UTC to the second, `Z` for the zone
/// (`2026-03-01T09:30:00Z`); null when there is none.
pub fn time(at: Option<DateTime<Utc>>) -> serde_json::Value {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true).into())
        .unwrap_or(serde_json::Value::Null)
}

/// `value` with every text that is a time (RFC 3339 with any precision or offset, or the
/// database's `2026-03-01 09:30:00`) written as [`time`] writes it: audit rows keep old and new
/// values as they were recorded, and their times follow the same convention as the rest.
pub fn uniform_times(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => parse_time(s)
            .map(|t| time(Some(t)))
            .unwrap_or_else(|| value.clone()),
        Value::Array(items) => Value::Array(items.iter().map(uniform_times).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), uniform_times(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if s.len() < 19 || !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

/// Prints rows as one JSON array (every list's `--json`).
pub fn print_list(rows: Vec<serde_json::Value>) {
    print_json(&serde_json::Value::Array(rows));
}

/// Prints `value` as pretty JSON (see [`json_text`]).
pub fn print_json(value: &serde_json::Value) {
    println!("{}", json_text(value, true));
}

/// Prints `value` as one line of JSON (JSON Lines, for `--follow`; see [`json_text`]).
pub fn print_json_line(value: &serde_json::Value) {
    println!("{}", json_text(value, false));
}

/// `value` serialised as JSON with the data exact, but with no character that a terminal would
/// act on or that reorders text: serde_json already writes C0 controls as `\u00XX`; DEL, the
/// C1 controls (U+0080–U+009F, e.g. the 8-bit CSI U+009B) and the bidi controls are written as
/// `\uXXXX` escapes here. Outside strings JSON is plain ASCII, so every such character sits in a
/// string, where the escape is valid and parses back to the same character.
pub fn json_text(value: &serde_json::Value, pretty: bool) -> String {
    let raw = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    // A `Value` always serialises (its map keys are strings).
    .unwrap_or_default();
    escape_terminal_controls(&raw)
}

/// True for the characters [`json_text`] escapes.
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

fn escape_terminal_controls(json: &str) -> String {
    if !json.chars().any(needs_escape) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Prints rows under a header, each column as wide as its widest cell (capped).
pub fn table(header: &[&str], rows: &[Vec<String>], right_aligned: &[usize]) {
    let cap = 40;
    let clean: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| truncate_to_width(&sanitize_line(c), cap))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            clean
                .iter()
                .map(|r| display_width(&r[i]))
                .chain([display_width(header[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i].saturating_sub(display_width(c)));
                if right_aligned.contains(&i) {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect();
        println!("{}", parts.join("  ").trim_end());
    };
    line(header.to_vec());
    for r in &clean {
        line(r.iter().map(String::as_str).collect());
    }
}

/// Prints one record as "label  value" lines, labels padded to the widest; values sanitised
/// (multi-line values keep their lines, indented under the first).
pub fn record(fields: &[(String, String)]) {
    let width = fields
        .iter()
        .map(|(label, _)| display_width(label))
        .max()
        .unwrap_or(0);
    for (label, value) in fields {
        let pad = " ".repeat(width.saturating_sub(display_width(label)));
        let value = crate::domain::sanitize(value);
        let mut lines = value.lines();
        println!("{label}{pad}  {}", lines.next().unwrap_or_default());
        for more in lines {
            println!("{}  {more}", " ".repeat(width));
        }
    }
}

/// "—" for a missing value.
pub fn or_dash(value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HOSTILE: &str = "Evil\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m\u{7f}\u{85}\u{9f}\u{80}\
                           \u{202e}kcab\u{202c}\u{2066}\u{2069}\u{200e}\u{200f}\u{61c}\u{202a}\
                           \n\t\r\"\\ é 北 👩🏾‍💻";

    fn forbidden(c: char) -> bool {
        (c.is_control() && c != '\n') || needs_escape(c)
    }

    #[test]
    fn json_escapes_terminal_controls_and_parses_back_exactly() {
        let value = json!({
            "name": HOSTILE,
            "list": [HOSTILE, {"nested": HOSTILE}],
            HOSTILE: 1,
            "n": 42, "none": null, "ok": true,
        });
        for pretty in [true, false] {
            let text = json_text(&value, pretty);
            let bad: Vec<char> = text.chars().filter(|c| forbidden(*c)).collect();
            assert!(bad.is_empty(), "raw {bad:?} in {text}");
            let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(back, value);
            assert_eq!(back["name"].as_str(), Some(HOSTILE));
        }
        let text = json_text(&value, false);
        for escape in [
            "\\u001b", "\\u0007", "\\u007f", "\\u009b", "\\u0085", "\\u202e", "\\u2066",
        ] {
            assert!(text.contains(escape), "{escape} missing from {text}");
        }
        // Readable text is left as it is.
        assert!(text.contains("é 北 👩🏾‍💻"), "{text}");
    }

    #[test]
    fn every_escaped_character_round_trips_alone() {
        let every: Vec<char> = ('\u{0}'..='\u{10ffff}')
            .filter(|c| needs_escape(*c))
            .collect();
        assert_eq!(every.len(), 33 + 1 + 2 + 5 + 4);
        for c in every {
            let value = json!(c.to_string());
            let text = json_text(&value, false);
            assert_eq!(text, format!("\"\\u{:04x}\"", c as u32));
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value);
        }
    }

    #[test]
    fn plain_json_is_unchanged() {
        let value = json!({"name": "Awa Diop", "amount": 67500, "tags": ["a", "b"]});
        assert_eq!(
            json_text(&value, true),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn times_are_rfc3339_utc_to_the_second() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:30:00.123456+01:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time(Some(at)), json!("2026-03-01T09:30:00Z"));
        assert_eq!(time(None), json!(null));
        let values = json!({
            "deadline_at": "2027-01-03T08:00:00+00:00",
            "paid_at": "2026-03-01 09:30:00.5",
            "list": ["2026-03-01T09:30:00.999Z", "2026-03-01", "Rembourse.", 3],
        });
        assert_eq!(
            uniform_times(&values),
            json!({
                "deadline_at": "2027-01-03T08:00:00Z",
                "paid_at": "2026-03-01T09:30:00Z",
                "list": ["2026-03-01T09:30:00Z", "2026-03-01", "Rembourse.", 3],
            })
        );
    }

    #[test]
    fn quoted_values_stay_on_one_line() {
        assert_eq!(quote("Awa\nobryl: forged\u{1b}[2J"), "Awa obryl: forged");
    }
}
