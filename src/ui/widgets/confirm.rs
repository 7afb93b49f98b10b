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

/// Draws the question, wrapped, with its keys always on the last line: the dialog grows with
/// the question (up to the screen), and a question longer than the screen is cut, never the
/// keys.
pub fn draw(f: &mut Frame, area: Rect, title: &str, question: &str, keys: &str, theme: &Theme) {
    let question = sanitize(question);
    let width = 72.min(area.width);
    let inner = width.saturating_sub(2).max(1);
    let lines = wrapped_lines(&question, inner);
    let rect = centered(area, width, lines.saturating_add(4));
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.warning)
        .title(Span::styled(format!(" {title} "), theme.header));
    let body = block.inner(rect);
    f.render_widget(block, rect);
    if body.height == 0 {
        return;
    }
    let keys_row = Rect {
        y: body.y + body.height - 1,
        height: 1,
        ..body
    };
    let text_rows = Rect {
        height: body.height.saturating_sub(2),
        ..body
    };
    f.render_widget(
        Paragraph::new(Line::from(question)).wrap(Wrap { trim: true }),
        text_rows,
    );
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(keys.to_owned(), theme.muted))),
        keys_row,
    );
}

/// How many rows `text` takes wrapped at word boundaries in `width` columns.
fn wrapped_lines(text: &str, width: u16) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let width = usize::from(width);
    let mut rows = 1usize;
    let mut used = 0usize;
    for word in text.split_whitespace() {
        let w = word.width();
        if used > 0 && used + 1 + w > width {
            rows += 1;
            used = 0;
        }
        used += if used == 0 { w } else { w + 1 };
        while used > width {
            rows += 1;
            used -= width;
        }
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn screen(w: u16, h: u16, question: &str) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| {
            draw(
                f,
                f.area(),
                "Confirm",
                question,
                "y yes · n no",
                &Theme::monochrome(),
            );
        })
        .unwrap();
        let buf = t.backend().buffer();
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_keys_always_show_however_long_the_question() {
        let long = "Release 1,720,000 XOF from escrow #73? ".repeat(12);
        for (w, h) in [(160, 45), (80, 24), (40, 10), (20, 6)] {
            let s = screen(w, h, &long);
            assert!(s.contains("y yes"), "{w}x{h}:\n{s}");
        }
        let s = screen(80, 24, &long);
        assert!(
            s.contains("escrow #73? Release"),
            "the question wraps in full:\n{s}"
        );
    }
}
