//! Plain-text tables for the CLI (sanitised, width-aware) next to `--json` output.

use crate::domain::{display_width, sanitize_line, truncate_to_width};

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
