//! How values read on screen: money in the currency's format, relative times, labels in the
//! staff member's language.

use chrono::{DateTime, Utc};

use crate::domain::{Currency, Locale, format_money};
use crate::tr;

pub fn money(minor: i64, currency: &str, locale: Locale) -> String {
    match Currency::parse(currency) {
        Ok(c) => format_money(minor, c, locale),
        Err(_) => format!("{minor} {currency}"),
    }
}

/// "à l'instant", "12 min", "14:02" (today), "hier 14:02", "03/11 14:02", "03/11/2025".
pub fn when(t: Option<DateTime<Utc>>, now: DateTime<Utc>, locale: Locale) -> String {
    let Some(t) = t else { return "—".into() };
    let delta = now - t;
    if delta.num_seconds().abs() < 60 {
        return tr(locale, "time.now", &[]);
    }
    if delta.num_minutes() > 0 && delta.num_minutes() < 60 {
        return tr(
            locale,
            "time.minutes_ago",
            &[("n", &delta.num_minutes().to_string())],
        );
    }
    let hm = t.format("%H:%M").to_string();
    let (d, n) = (t.date_naive(), now.date_naive());
    if d == n {
        return hm;
    }
    if d.succ_opt() == Some(n) {
        return tr(locale, "time.yesterday_at", &[("time", &hm)]);
    }
    if (n - d).num_days().abs() < 180 {
        return match locale {
            Locale::Fr => t.format("%d/%m %H:%M").to_string(),
            Locale::En => t.format("%b %d %H:%M").to_string(),
        };
    }
    absolute_date(t, locale)
}

pub fn absolute(t: Option<DateTime<Utc>>, locale: Locale) -> String {
    match t {
        None => "—".into(),
        Some(t) => match locale {
            Locale::Fr => t.format("%d/%m/%Y %H:%M UTC").to_string(),
            Locale::En => t.format("%Y-%m-%d %H:%M UTC").to_string(),
        },
    }
}

fn absolute_date(t: DateTime<Utc>, locale: Locale) -> String {
    match locale {
        Locale::Fr => t.format("%d/%m/%Y").to_string(),
        Locale::En => t.format("%Y-%m-%d").to_string(),
    }
}

/// A compact duration: "45 min", "5 h", "3 j" / "3 d"; negative durations get a minus.
pub fn span(seconds: i64, locale: Locale) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let text = if s < 3600 {
        format!("{} min", s / 60)
    } else if s < 86_400 {
        format!("{} h", s / 3600)
    } else {
        format!("{} {}", s / 86_400, tr(locale, "time.day_short", &[]))
    };
    format!("{sign}{text}")
}

/// A figure with one decimal and the language's separator: "12.5" / "12,5".
pub fn decimal(value: f64, locale: Locale) -> String {
    let text = format!("{value:.1}");
    match locale {
        Locale::Fr => text.replace('.', ","),
        Locale::En => text,
    }
}

/// A time as staff type it: RFC 3339, "2026-11-30 08:00" (UTC) or "2026-11-30" (00:00 UTC).
pub fn read_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
        return Some(t.and_utc());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A status word in the staff member's language ("en attente" / "pending").
pub fn status(kind: &str, value: &str, locale: Locale) -> String {
    let key = format!("status.{kind}.{value}");
    let text = tr(locale, &key, &[]);
    if text == key {
        value.replace('_', " ")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_staff_type_them() {
        let t = |s: &str| read_time(s).map(|t| t.to_rfc3339());
        assert_eq!(
            t("2026-11-30 08:00"),
            Some("2026-11-30T08:00:00+00:00".into())
        );
        assert_eq!(t("2026-11-30"), Some("2026-11-30T00:00:00+00:00".into()));
        assert_eq!(
            t("2026-11-30T08:00:00+01:00"),
            Some("2026-11-30T07:00:00+00:00".into())
        );
        assert_eq!(t("yesterday"), None);
    }

    #[test]
    fn decimals_take_the_languages_separator() {
        assert_eq!(decimal(12.5, Locale::En), "12.5");
        assert_eq!(decimal(12.5, Locale::Fr), "12,5");
    }
    use chrono::TimeZone;

    #[test]
    fn relative_times_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap();
        let y = Utc.with_ymd_and_hms(2026, 11, 24, 14, 2, 0).unwrap();
        assert_eq!(when(Some(y), now, Locale::Fr), "hier 14:02");
        assert_eq!(when(Some(y), now, Locale::En), "yesterday 14:02");
        assert_eq!(
            when(Some(now - chrono::Duration::minutes(3)), now, Locale::En),
            "3 min ago"
        );
        assert_eq!(money(45_000_000, "XOF", Locale::Fr), "45 000 000 XOF");
        assert_eq!(span(3 * 86_400, Locale::Fr), "3 j");
    }
}
