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
    // Labels take a column as wide as the widest one that fits (26 columns, or half a narrow
    // pane); a longer one is written whole on a line of its own, never cut.
    let cap = usize::from(area.width.saturating_sub(2) / 2).clamp(12, 26);
    let label_width = lines
        .iter()
        .filter_map(|l| match l {
            DetailLine::Field(k, _) | DetailLine::Styled(k, _, _) => {
                Some(crate::domain::display_width(k))
            }
            _ => None,
        })
        .filter(|w| *w <= cap)
        .max()
        .unwrap_or(0);
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
                        format!(
                            " {} ",
                            crate::domain::truncate_to_width(
                                &crate::domain::sanitize_line(title),
                                usize::from(area.width.saturating_sub(4))
                            )
                        ),
                        theme.header,
                    )),
            ),
        area,
    );
}

fn field<'a>(k: &str, v: &str, width: usize, style: Style, theme: &Theme) -> Vec<Line<'a>> {
    let clean = sanitize(v);
    let k = crate::domain::sanitize_line(k);
    let mut out = Vec::new();
    // A label wider than the column gets a line of its own; every value starts in the column.
    let k = if crate::domain::display_width(&k) > width {
        out.push(Line::from(Span::styled(k, theme.muted)));
        String::new()
    } else {
        k
    };
    let k = k.as_str();
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
