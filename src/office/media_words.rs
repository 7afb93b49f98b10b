//! Media in words, the same in the TUI and the CLI: sizes ("2,4 Mo" / "2.4 MB"), durations,
//! collections and statuses, where an item will show, and what is wrong with its file.

use crate::domain::Locale;
use crate::media::{Inspection, Problem, VideoInfo};
use crate::store::media::{MediaRow, PROJECT_TYPES};
use crate::tr;

/// A size in bytes as people read it, with one decimal from the kilobyte up.
pub fn size(bytes: i64, locale: Locale) -> String {
    let units: [&str; 4] = match locale {
        Locale::Fr => ["o", "ko", "Mo", "Go"],
        Locale::En => ["B", "kB", "MB", "GB"],
    };
    let b = bytes.max(0);
    if b < 1000 {
        return format!("{b} {}", units[0]);
    }
    let (mut whole, mut unit) = (b, 0);
    while whole >= 1_000_000 && unit < 2 {
        whole /= 1000;
        unit += 1;
    }
    // `whole` is in units of 1/1000 of the next unit: one decimal, rounded.
    let tenths = (whole + 50) / 100;
    let sep = match locale {
        Locale::Fr => ',',
        Locale::En => '.',
    };
    format!("{}{sep}{} {}", tenths / 10, tenths % 10, units[unit + 1])
}

/// "1 min 05 s", "42 s".
pub fn duration(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        s if s >= 3600 => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
        s if s >= 60 => format!("{} min {:02} s", s / 60, s % 60),
        s => format!("{s} s"),
    }
}

pub fn collection(code: &str, locale: Locale) -> String {
    crate::office::format::status("media_collection", code, locale)
}

pub fn status(code: &str, locale: Locale) -> String {
    crate::office::format::status("media", code, locale)
}

/// Where clients will see it: a developer's portfolio or a project's page.
pub fn shows_on(m: &MediaRow, locale: Locale) -> String {
    let owner = m.owner_name.clone().unwrap_or_else(|| "—".into());
    if PROJECT_TYPES.contains(&m.model_type.as_str()) {
        let title = m.project_title.clone().unwrap_or_default();
        tr(
            locale,
            "media_view.on_project",
            &[("id", &m.model_id.to_string()), ("title", &title)],
        )
    } else {
        tr(locale, "media_view.on_portfolio", &[("owner", &owner)])
    }
}

/// A problem with the file, in words.
pub fn problem(p: &Problem, locale: Locale) -> String {
    let key = format!("media_problem.{}", p.key());
    match p {
        Problem::Missing { path } => tr(locale, &key, &[("path", path)]),
        Problem::UnsafeName => tr(locale, &key, &[]),
        Problem::Mismatch { claimed, found } => {
            tr(locale, &key, &[("claimed", claimed), ("found", found)])
        }
        Problem::TooLarge { width, height } => tr(
            locale,
            &key,
            &[
                ("width", &width.to_string()),
                ("height", &height.to_string()),
                (
                    "budget",
                    &size(crate::media::inspect::DECODE_BUDGET as i64, locale),
                ),
            ],
        ),
        Problem::Unreadable { detail } => tr(locale, &key, &[("detail", detail)]),
    }
}

/// Why an item may not be approved, as the rule says it (without the field's code).
pub fn refusal(e: &crate::service::ServiceError, locale: Locale) -> String {
    match e {
        crate::service::ServiceError::Invalid { message, .. } => {
            crate::office::messages::said_text(message, locale)
        }
        other => crate::office::messages::error_text(other, locale),
    }
}

/// "1 280 × 720", "H264, 1 280 × 720, 1 min 05 s".
pub fn video(v: &VideoInfo) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &v.codec {
        parts.push(c.clone());
    }
    if let (Some(w), Some(h)) = (v.width, v.height) {
        parts.push(format!("{w} × {h}"));
    }
    if let Some(ms) = v.duration_ms {
        parts.push(duration(ms));
    }
    parts.join(", ")
}

/// The dimensions or the video's metadata, as a list cell or a CLI field shows them.
pub fn measures(i: &Inspection) -> Option<String> {
    if let Some(v) = &i.video {
        return Some(video(v));
    }
    i.dimensions.map(|(w, h)| format!("{w} × {h} px"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_each_language() {
        assert_eq!(size(512, Locale::En), "512 B");
        assert_eq!(size(2_400_000, Locale::Fr), "2,4 Mo");
        assert_eq!(size(2_449_000, Locale::En), "2.4 MB");
        assert_eq!(size(80_000, Locale::En), "80.0 kB");
        assert_eq!(size(180_000_000, Locale::En), "180.0 MB");
        assert_eq!(size(3_200_000_000, Locale::En), "3.2 GB");
        assert_eq!(duration(65_000), "1 min 05 s");
        assert_eq!(duration(3_725_000), "1 h 02 min");
    }
}
