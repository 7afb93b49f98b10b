//! A yes/no question for money-moving and destructive actions, naming amount and target.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use crate::domain::sanitize;
use crate::ui::theme::Theme;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    Undecided,
}

/// Only an explicit y (or o for "oui") confirms; anything else leaves the dialog open, Esc/n closes.
pub fn answer(e: &KeyEvent) -> Answer {
    match e.code {
        KeyCode::Char('y' | 'Y' | 'o' | 'O') => Answer::Yes,
        KeyCode::Char('n' | 'N') | KeyCode::Esc => Answer::No,
        _ => Answer::Undecided,
    }
}

pub fn draw(f: &mut Frame, area: Rect, title: &str, question: &str, keys: &str, theme: &Theme) {
    let rect = centered(area, 70, 7);
    f.render_widget(Clear, rect);
    let body = vec![
        Line::from(sanitize(question)),
        Line::from(""),
        Line::from(Span::styled(keys.to_owned(), theme.muted)),
    ];
    f.render_widget(
        Paragraph::new(body).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.warning)
                .title(Span::styled(format!(" {title} "), theme.header)),
        ),
        rect,
    );
}
