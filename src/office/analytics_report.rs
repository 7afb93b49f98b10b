//! `obryl analytics report`: one self-contained HTML page (inline CSS and SVG, nothing
//! fetched) a board member can open: per currency, bars of collected, commissions and
//! released over 12 months with the values printed, then the figures as a table; the
//! platform-wide project and support figures once.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::Utc;

use crate::domain::Locale;
use crate::office::analytics::{MonthRow, YearMonth};
use crate::office::format::{money, span};
use crate::tr;

const SERIES: [(&str, &str); 3] = [
    ("collected", "#2b6cb0"),
    ("commission", "#c05621"),
    ("released", "#2f855a"),
];

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn t(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    esc(&tr(locale, &format!("cli_analytics.report.{key}"), args))
}

/// "12.5 %" in English, "12,5 %" in French.
fn pct(v: Option<f64>, locale: Locale) -> String {
    v.map_or_else(
        || "—".to_owned(),
        |v| format!("{} %", crate::office::format::decimal(v, locale)),
    )
}

fn value(r: &MonthRow, series: &str) -> i64 {
    match series {
        "collected" => r.collected,
        "commission" => r.commission,
        _ => r.released,
    }
}

/// The grouped bar chart of one currency's months, values printed above the bars (readable
/// without colour).
fn chart(rows: &[&MonthRow], locale: Locale) -> String {
    let (w, h, top, bottom, left) = (960.0, 300.0, 40.0, 40.0, 10.0);
    let max = rows
        .iter()
        .flat_map(|r| SERIES.iter().map(|(s, _)| value(r, s)))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (w - left) / rows.len().max(1) as f64;
    let bar = slot / 4.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-label=\"{}\">",
        t(locale, "chart", &[])
    );
    for (i, r) in rows.iter().enumerate() {
        let x0 = left + i as f64 * slot;
        for (k, (series, colour)) in SERIES.iter().enumerate() {
            let v = value(r, series);
            let bh = (v as f64 / max) * (h - top - bottom);
            let x = x0 + k as f64 * bar + bar / 2.0;
            let y = h - bottom - bh;
            let label = esc(&money(v, &r.currency, locale));
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" \
                 fill=\"{colour}\"><title>{} {}: {label}</title></rect>",
                bar - 2.0,
                r.month,
                t(locale, series, &[]),
            );
            if v == 0 {
                // An empty bar says nothing; its zero is in the table below.
                continue;
            }
            // Read upwards, inside a bar tall enough to hold it, else above it.
            let inside = bh > label.chars().count() as f64 * 5.5 + 6.0;
            let (anchor, at, fill) = match inside {
                true => ("end", y + 3.0, "#ffffff"),
                false => ("start", y - 3.0, "#1a1a1a"),
            };
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{at:.1}\" font-size=\"9\" text-anchor=\"{anchor}\" \
                 fill=\"{fill}\" transform=\"rotate(-90 {:.1} {at:.1})\">{label}</text>",
                x + bar / 2.0 + 3.0,
                x + bar / 2.0 + 3.0,
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x0 + slot / 2.0,
            h - bottom + 16.0,
            r.month
        );
    }
    svg.push_str("</svg>");
    svg
}

fn legend(locale: Locale) -> String {
    let mut out = String::from("<p class=\"legend\">");
    for (series, colour) in SERIES {
        let _ = write!(
            out,
            "<span><i style=\"background:{colour}\"></i>{}</span>",
            t(locale, series, &[])
        );
    }
    out.push_str("</p>");
    out
}

fn money_table(rows: &[&MonthRow], locale: Locale) -> String {
    let mut out = format!(
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(locale, "month", &[]),
        t(locale, "collected", &[]),
        t(locale, "growth", &[]),
        t(locale, "commission", &[]),
        t(locale, "growth", &[]),
        t(locale, "released", &[]),
        t(locale, "refunded", &[]),
    );
    for r in rows {
        let m = |v: i64| esc(&money(v, &r.currency, locale));
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.month,
            m(r.collected),
            pct(r.collected_growth, locale),
            m(r.commission),
            pct(r.commission_growth, locale),
            m(r.released),
            m(r.refunded),
        );
    }
    out.push_str("</table>");
    out
}

fn activity_table(rows: &[&MonthRow], locale: Locale) -> String {
    let keys = [
        "month",
        "projects_created",
        "projects_completed",
        "projects_cancelled",
        "tickets_opened",
        "tickets_solved",
        "first_response_sla",
        "resolution_sla",
        "median_first_response",
    ];
    let mut out = String::from("<table><tr>");
    for k in keys {
        let _ = write!(out, "<th>{}</th>", t(locale, k, &[]));
    }
    out.push_str("</tr>");
    for r in rows {
        let median = r
            .sla
            .median_first_response_seconds
            .map_or_else(|| "—".to_owned(), |s| esc(&span(s, locale)));
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{median}</td></tr>",
            r.month,
            r.projects_created,
            r.projects_completed,
            r.projects_cancelled,
            r.tickets_opened,
            r.tickets_solved,
            pct(r.sla.first_response_sla, locale),
            pct(r.sla.resolution_sla, locale),
        );
    }
    out.push_str("</table>");
    out
}

/// The report of the 12 months ending `month` from [`super::analytics::months`]' rows.
pub fn html(rows: &[MonthRow], month: YearMonth, locale: Locale) -> String {
    let m = month.to_string();
    let mut by_currency: BTreeMap<&str, Vec<&MonthRow>> = BTreeMap::new();
    for r in rows {
        by_currency.entry(r.currency.as_str()).or_default().push(r);
    }
    let mut out = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;margin:2rem;color:#1a202c;background:#fff}}\
         h1{{font-size:1.5rem}}h2{{margin-top:2rem;border-bottom:1px solid #cbd5e0}}\
         table{{border-collapse:collapse;margin:1rem 0;font-size:.9rem}}\
         th,td{{border:1px solid #cbd5e0;padding:.25rem .5rem;text-align:right}}\
         th:first-child,td:first-child{{text-align:left}}\
         .legend span{{margin-right:1.5rem}}.legend i{{display:inline-block;width:.8rem;\
         height:.8rem;margin-right:.3rem;vertical-align:middle}}svg{{max-width:100%}}\
         </style></head><body><h1>{title}</h1><p>{intro}</p>",
        lang = locale.as_str(),
        title = t(locale, "title", &[("month", &m)]),
        intro = t(
            locale,
            "intro",
            &[
                ("month", &m),
                ("at", &Utc::now().format("%Y-%m-%d %H:%M UTC").to_string())
            ]
        ),
    );
    if by_currency.is_empty() {
        let _ = write!(out, "<p>{}</p>", t(locale, "none", &[]));
    }
    for (currency, months) in &by_currency {
        let _ = write!(
            out,
            "<section><h2>{}</h2><h3>{}</h3>{}{}{}</section>",
            t(locale, "currency", &[("currency", currency)]),
            t(locale, "chart", &[]),
            legend(locale),
            chart(months, locale),
            money_table(months, locale),
        );
    }
    // Counts and SLA are platform-wide: every currency's rows carry the same, show them once.
    if let Some(months) = by_currency.values().next() {
        let _ = write!(
            out,
            "<section><h2>{}</h2>{}</section>",
            t(locale, "activity", &[]),
            activity_table(months, locale)
        );
    }
    out.push_str("</body></html>\n");
    out
}
