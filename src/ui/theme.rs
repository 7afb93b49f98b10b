//! Semantic colours from assets/themes. State is never shown by colour alone (words and
//! symbols carry it too), so the colourless NO_COLOR theme stays usable.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const THEMES: &[(&str, &str)] = &[
    ("dark", include_str!("../../assets/themes/dark.toml")),
    ("light", include_str!("../../assets/themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../assets/themes/high-contrast.toml"),
    ),
];

#[derive(Deserialize)]
struct ThemeFile {
    name: String,
    fg: String,
    /// The screen's background ("reset": the terminal's own).
    #[serde(default = "reset")]
    bg: String,
    muted: String,
    accent: String,
    ok: String,
    warning: String,
    danger: String,
    selection_fg: String,
    selection_bg: String,
    border: String,
    header: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    pub base: Style,
    pub muted: Style,
    pub accent: Style,
    pub ok: Style,
    pub warning: Style,
    pub danger: Style,
    pub selection: Style,
    pub border: Style,
    pub header: Style,
}

fn reset() -> String {
    "reset".into()
}

fn color(s: &str) -> Color {
    s.parse::<Color>().unwrap_or(Color::Reset)
}

impl Theme {
    pub fn names() -> Vec<&'static str> {
        THEMES.iter().map(|(n, _)| *n).collect()
    }

    /// The named theme (dark when unknown); colourless when `no_color`.
    pub fn load(name: &str, no_color: bool) -> Theme {
        if no_color {
            return Theme::monochrome();
        }
        let text = THEMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .unwrap_or(THEMES[0].1);
        match toml::from_str::<ThemeFile>(text) {
            Ok(f) => Theme {
                name: f.name,
                base: Style::default().fg(color(&f.fg)).bg(color(&f.bg)),
                muted: Style::default().fg(color(&f.muted)),
                accent: Style::default()
                    .fg(color(&f.accent))
                    .add_modifier(Modifier::BOLD),
                ok: Style::default().fg(color(&f.ok)),
                warning: Style::default().fg(color(&f.warning)),
                danger: Style::default()
                    .fg(color(&f.danger))
                    .add_modifier(Modifier::BOLD),
                selection: Style::default()
                    .fg(color(&f.selection_fg))
                    .bg(color(&f.selection_bg)),
                border: Style::default().fg(color(&f.border)),
                header: Style::default()
                    .fg(color(&f.header))
                    .add_modifier(Modifier::BOLD),
            },
            Err(_) => Theme::monochrome(),
        }
    }

    /// For NO_COLOR: emphasis by bold, reverse and underline only.
    pub fn monochrome() -> Theme {
        let plain = Style::default();
        Theme {
            name: "no-color".into(),
            base: plain,
            muted: plain.add_modifier(Modifier::DIM),
            accent: plain.add_modifier(Modifier::BOLD),
            ok: plain,
            warning: plain.add_modifier(Modifier::UNDERLINED),
            danger: plain.add_modifier(Modifier::BOLD),
            selection: plain.add_modifier(Modifier::REVERSED),
            border: plain,
            header: plain.add_modifier(Modifier::BOLD),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_file_parses() {
        for name in Theme::names() {
            let t = Theme::load(name, false);
            assert_eq!(t.name, name);
        }
        assert_eq!(Theme::load("dark", true).name, "no-color");
    }
}
