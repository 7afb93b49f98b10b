//! Settings as people read and write them: the commission rate as a percentage, thresholds as
//! amounts of each currency, durations in hours or days, yes / no. Both front ends show and
//! read them through here; the service checks them again before writing.

use serde_json::{Map, Value as JsonValue, json};

use crate::domain::{Currency, Locale, TicketPriority, format_money, format_rate};
use crate::domain::{parse_display_amount, sla::default_targets};
use crate::service::ServiceError;
use crate::tr;

/// The value of `group.name` as a person reads it ("15.00%", "XOF 2,000,000 · EUR €3,000.00",
/// "14 days", "urgent 1 h / 8 h · high 4 h / 24 h…").
pub fn display(group: &str, name: &str, payload: &JsonValue, locale: Locale) -> String {
    let t = |key: &str, n: i64| tr(locale, key, &[("n", &n.to_string())]);
    match (group, name, payload) {
        ("commission" | "referrals", "default_rate_bps", JsonValue::Number(n)) if n.is_i64() => {
            format_rate(n.as_i64().unwrap_or_default(), locale)
        }
        ("commission", "dual_approval_threshold", JsonValue::Object(map))
        | ("referrals", "min_payout", JsonValue::Object(map)) => map
            .iter()
            .filter_map(|(code, v)| Some((Currency::parse(code).ok()?, v.as_i64()?)))
            .map(|(c, minor)| format_money(minor, c, locale))
            .collect::<Vec<_>>()
            .join(" · "),
        ("escrow", "auto_release_days", JsonValue::Number(n))
        | ("referrals", "hold_days", JsonValue::Number(n))
            if n.is_i64() =>
        {
            let n = n.as_i64().unwrap_or_default();
            let count = n.to_string();
            let days = n.unsigned_abs() as usize;
            crate::office::messages::plural(locale, "settings.days", days, &[("n", &count)])
        }
        ("referrals", "window_months", JsonValue::Number(n)) if n.is_i64() => {
            let n = n.as_i64().unwrap_or_default();
            let count = n.to_string();
            let months = n.unsigned_abs() as usize;
            crate::office::messages::plural(locale, "settings.months", months, &[("n", &count)])
        }
        ("referrals", "same_address_minutes", JsonValue::Number(n)) if n.is_i64() => {
            let n = n.as_i64().unwrap_or_default();
            let count = n.to_string();
            let minutes = n.unsigned_abs() as usize;
            crate::office::messages::plural(locale, "settings.minutes", minutes, &[("n", &count)])
        }
        ("referrals", "burst_per_day", JsonValue::Number(n)) if n.is_i64() => {
            let n = n.as_i64().unwrap_or_default();
            let count = n.to_string();
            let uses = n.unsigned_abs() as usize;
            crate::office::messages::plural(locale, "settings.per_day", uses, &[("n", &count)])
        }
        (_, _, JsonValue::Bool(b)) => {
            tr(locale, if *b { "settings.yes" } else { "settings.no" }, &[])
        }
        ("support", "reply_max_bytes", JsonValue::Number(n)) if n.is_i64() => {
            t("settings.bytes", n.as_i64().unwrap_or_default())
        }
        ("support", "sla_targets", JsonValue::Object(_)) => TicketPriority::ALL
            .iter()
            .rev()
            .map(|p| {
                let target = &payload[p.as_str()];
                let hours = |field: &str, fallback: i64| {
                    target[field].as_i64().unwrap_or(fallback) as f64 / 60.0
                };
                let d = default_targets(*p);
                format!(
                    "{} {} h / {} h",
                    crate::office::format::status("priority", p.as_str(), locale),
                    trim(hours("first_response_minutes", d.first_response_minutes)),
                    trim(hours("resolution_minutes", d.resolution_minutes))
                )
            })
            .collect::<Vec<_>>()
            .join(" · "),
        (_, _, other) => other.to_string(),
    }
}

/// What the edit line starts from: the value in the form `read` takes back.
pub fn editable(group: &str, name: &str, payload: &JsonValue, locale: Locale) -> String {
    match (group, name) {
        ("commission", "dual_approval_threshold") | ("referrals", "min_payout") => payload
            .as_object()
            .map(|map| {
                map.iter()
                    .filter_map(|(code, v)| Some((Currency::parse(code).ok()?, v.as_i64()?)))
                    .map(|(c, minor)| {
                        let shown = format_money(minor, c, Locale::Fr);
                        // The amount without its symbol and without spaces: one word per amount.
                        let number: String = shown
                            .chars()
                            .filter(|ch| ch.is_ascii_digit() || *ch == ',')
                            .collect();
                        format!("{} {number}", c.code())
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        ("support", "sla_targets") => TicketPriority::ALL
            .iter()
            .rev()
            .map(|p| {
                let d = default_targets(*p);
                let target = &payload[p.as_str()];
                let h = |field: &str, fallback: i64| {
                    trim(target[field].as_i64().unwrap_or(fallback) as f64 / 60.0)
                };
                format!(
                    "{} {}/{}",
                    p.as_str(),
                    h("first_response_minutes", d.first_response_minutes),
                    h("resolution_minutes", d.resolution_minutes)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => display(group, name, payload, locale)
            .trim_end_matches('%')
            .trim()
            .to_owned(),
    }
}

/// Reads back what a person typed for `group.name`; a mistake is said as a sentence.
pub fn read(
    group: &str,
    name: &str,
    text: &str,
    current: &JsonValue,
) -> Result<JsonValue, ServiceError> {
    let text = text.trim();
    let invalid = |key: &'static str| ServiceError::Invalid {
        field: "setting",
        message: crate::service::Said::full(key),
    };
    match (group, name) {
        ("commission" | "referrals", "default_rate_bps") => {
            let number = text.trim_end_matches('%').trim().replace(',', ".");
            let bps = percent_to_bps(&number).ok_or_else(|| invalid("settings.bad_rate"))?;
            Ok(json!(bps))
        }
        ("commission", "dual_approval_threshold") | ("referrals", "min_payout") => {
            let mut map = Map::new();
            // Parts end at ";" or at a comma followed by a space ("3000,00" keeps its comma).
            let parts = text.replace(", ", ";");
            for part in parts.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let (code, amount) = part
                    .split_once(' ')
                    .ok_or_else(|| invalid("settings.bad_threshold"))?;
                let currency =
                    Currency::parse(code).map_err(|_| invalid("settings.bad_threshold"))?;
                let minor = parse_display_amount(amount.trim(), currency, Locale::Fr)
                    .or_else(|_| parse_display_amount(amount.trim(), currency, Locale::En))
                    .map_err(|_| {
                        let key = if currency.exponent() == 0 {
                            "settings.bad_whole_amount"
                        } else {
                            "settings.bad_amount"
                        };
                        ServiceError::Invalid {
                            field: "setting",
                            message: crate::service::Said::full(key)
                                .arg("currency", currency.code()),
                        }
                    })?;
                map.insert(currency.code().to_owned(), json!(minor));
            }
            Ok(JsonValue::Object(map))
        }
        ("support", "sla_targets") => {
            let mut out = current.as_object().cloned().unwrap_or_default();
            for part in text
                .split([',', ';'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let bad = || invalid("settings.bad_sla");
                let (priority, hours) = part.split_once(' ').ok_or_else(bad)?;
                let priority = TicketPriority::parse(priority.trim()).map_err(|_| bad())?;
                let (first, resolution) = hours.trim().split_once('/').ok_or_else(bad)?;
                let minutes = |h: &str| -> Option<i64> {
                    let h: f64 = h
                        .trim()
                        .trim_end_matches('h')
                        .trim()
                        .replace(',', ".")
                        .parse()
                        .ok()?;
                    (h > 0.0 && h <= 24.0 * 365.0).then_some((h * 60.0).round() as i64)
                };
                let (first, resolution) = (
                    minutes(first).ok_or_else(bad)?,
                    minutes(resolution).ok_or_else(bad)?,
                );
                out.insert(
                    priority.as_str().to_owned(),
                    json!({"first_response_minutes": first, "resolution_minutes": resolution}),
                );
            }
            Ok(JsonValue::Object(out))
        }
        _ => match current {
            JsonValue::Bool(_) => match text.to_lowercase().as_str() {
                "yes" | "oui" | "true" | "on" | "1" => Ok(json!(true)),
                "no" | "non" | "false" | "off" | "0" => Ok(json!(false)),
                _ => Err(invalid("settings.bad_bool")),
            },
            JsonValue::Number(_) => {
                let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
                let rest = text[digits.len()..].trim();
                match digits.parse::<i64>() {
                    Ok(n) if rest.chars().all(|c| c.is_alphabetic() || c == ' ') => Ok(json!(n)),
                    _ => Err(invalid("settings.bad_number")),
                }
            }
            _ => serde_json::from_str(text).map_err(|_| invalid("settings.bad_json")),
        },
    }
}

/// "15" / "15.5" / "15.25" percent in basis points (two decimals at most, 0 to 100 %).
fn percent_to_bps(text: &str) -> Option<i64> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty()
        || frac.len() > 2
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let bps = int.parse::<i64>().ok()? * 100 + format!("{frac:0<2}").parse::<i64>().ok()?;
    (0..=10_000).contains(&bps).then_some(bps)
}

/// 4.0 -> "4", 1.5 -> "1.5".
fn trim(hours: f64) -> String {
    if hours.fract() == 0.0 {
        format!("{}", hours as i64)
    } else {
        format!("{hours:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_as_people_write_them() {
        let en = Locale::En;
        assert_eq!(
            display("commission", "default_rate_bps", &json!(1500), en),
            "15.00%"
        );
        let thresholds = json!({"XOF": 2_000_000, "EUR": 300_000});
        assert_eq!(
            display("commission", "dual_approval_threshold", &thresholds, en),
            "€3,000.00 · 2,000,000 XOF"
        );
        let typed = editable("commission", "dual_approval_threshold", &thresholds, en);
        assert_eq!(typed, "EUR 3000,00, XOF 2000000");
        assert_eq!(
            read("commission", "dual_approval_threshold", &typed, &thresholds,).unwrap(),
            thresholds
        );
        assert_eq!(
            read("commission", "default_rate_bps", "12,5 %", &json!(1500)).unwrap(),
            json!(1250)
        );
        let err = read(
            "commission",
            "dual_approval_threshold",
            "XOF 12.5",
            &thresholds,
        )
        .unwrap_err();
        assert!(err.to_string().contains("whole number of"), "{err}");
        assert!(read("escrow", "auto_release_days", "fourteen", &json!(14)).is_err());
        assert_eq!(
            read("escrow", "auto_release_days", "10 days", &json!(14)).unwrap(),
            json!(10)
        );
        // The referral program reads as the commission settings do.
        let min = json!({"XOF": 5_000, "EUR": 1_000});
        assert_eq!(
            display("referrals", "min_payout", &min, en),
            "€10.00 · 5,000 XOF"
        );
        let typed = editable("referrals", "min_payout", &min, en);
        assert_eq!(read("referrals", "min_payout", &typed, &min).unwrap(), min);
        assert_eq!(
            read("referrals", "default_rate_bps", "7,5", &json!(1000)).unwrap(),
            json!(750)
        );
        assert_eq!(display("referrals", "hold_days", &json!(30), en), "30 days");
        let minutes = display("referrals", "same_address_minutes", &json!(30), en);
        assert_eq!(minutes, "30 minutes");
        assert_eq!(
            read("referrals", "same_address_minutes", &minutes, &json!(30)).unwrap(),
            json!(30)
        );
        let burst = display("referrals", "burst_per_day", &json!(10), Locale::Fr);
        assert_eq!(burst, "10 utilisations par jour");
        assert_eq!(
            read("referrals", "burst_per_day", &burst, &json!(10)).unwrap(),
            json!(10)
        );
        assert_eq!(
            display("referrals", "window_months", &json!(1), Locale::Fr),
            "1 mois"
        );
        let sla = read("support", "sla_targets", "urgent 0.5/4", &json!({})).unwrap();
        assert_eq!(sla["urgent"]["first_response_minutes"], 30);
    }
}
