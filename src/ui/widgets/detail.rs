//! The detail pane: labelled lines (sanitised), sections, scrolling.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::sanitize;
use crate::ui::theme::Theme;

#[derive(Clone, Debug, PartialEq)]
pub enum DetailLine {
    Section(String),
    Field(String, String),
    /// A value with a semantic style (ok / warning / danger / muted).
    Styled(String, String, Tone),
    Text(String),
    Blank,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Ok,
    Warning,
    Danger,
    Muted,
    Accent,
}

impl Tone {
    pub fn style(self, theme: &Theme) -> Style {
        match self {
            Tone::Plain => theme.base,
            Tone::Ok => theme.ok,
            Tone::Warning => theme.warning,
            Tone::Danger => theme.danger,
            Tone::Muted => theme.muted,
            Tone::Accent => theme.accent,
        }
    }
}

pub fn draw(
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: &[DetailLine],
    scroll: u16,
    theme: &Theme,
    focused: bool,
) {
    let label_width = lines
        .iter()
        .filter_map(|l| match l {
            DetailLine::Field(k, _) | DetailLine::Styled(k, _, _) => Some(k.chars().count()),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .min(22);
    let text: Vec<Line> = lines
        .iter()
        .flat_map(|l| match l {
            DetailLine::Section(s) => vec![Line::from(Span::styled(
                crate::domain::sanitize_line(s),
                theme.header,
            ))],
            DetailLine::Field(k, v) => field(k, v, label_width, theme.base, theme),
            DetailLine::Styled(k, v, tone) => field(k, v, label_width, tone.style(theme), theme),
            DetailLine::Text(t) => sanitize(t)
                .lines()
                .map(|l| Line::from(l.to_owned()))
                .collect(),
            DetailLine::Blank => vec![Line::from("")],
        })
        .collect();
    let border = if focused { theme.accent } else { theme.border };
    f.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(border)
                    .title(Span::styled(
                        format!(" {} ", crate::domain::sanitize_line(title)),
                        theme.header,
                    )),
            ),
        area,
    );
}

fn field<'a>(k: &str, v: &str, width: usize, style: Style, theme: &Theme) -> Vec<Line<'a>> {
    let clean = sanitize(v);
    // Long labels are cut so every value starts in the same column.
    let k = crate::domain::truncate_to_width(&crate::domain::sanitize_line(k), width);
    let k = k.as_str();
    let mut out = Vec::new();
    for (i, part) in clean.lines().enumerate() {
        let label = if i == 0 {
            format!("{k:<width$}  ")
        } else {
            " ".repeat(width + 2)
        };
        out.push(Line::from(vec![
            Span::styled(label, theme.muted),
            Span::styled(part.to_owned(), style),
        ]));
    }
    if out.is_empty() {
        out.push(Line::from(Span::styled(
            format!("{k:<width$}  "),
            theme.muted,
        )));
    }
    out
}
