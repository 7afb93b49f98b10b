//! Short-lived messages: what an action did, or what went wrong.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::ui::theme::Theme;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Error,
}

#[derive(Clone, Debug)]
pub struct Toast {
    pub text: String,
    pub level: Level,
    pub until: Instant,
}

impl Toast {
    pub fn new(text: impl Into<String>, level: Level) -> Toast {
        let secs = if level == Level::Error { 8 } else { 4 };
        Toast {
            text: text.into(),
            level,
            until: Instant::now() + Duration::from_secs(secs),
        }
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        // Toasts quote names, titles and error texts read from the database.
        let text = crate::domain::sanitize_line(&self.text);
        let width = (crate::domain::text::display_width(&text) as u16 + 4)
            .clamp(20, area.width.saturating_sub(2).max(1))
            .min(70);
        // As many lines as the words take once wrapped, so nothing is cut off.
        let marked = format!("✕ {text}");
        let lines =
            crate::domain::text::wrap_to_width(&marked, usize::from(width.saturating_sub(2))).len()
                as u16
                + 2;
        let rect = Rect {
            x: area.x + area.width.saturating_sub(width + 1),
            y: area.y + area.height.saturating_sub(lines + 1),
            width: width.min(area.width),
            height: lines.min(area.height),
        };
        let style = match self.level {
            Level::Info => theme.accent,
            Level::Success => theme.ok,
            Level::Error => theme.danger,
        };
        let mark = match self.level {
            Level::Info => "ℹ",
            Level::Success => "✓",
            Level::Error => "✕",
        };
        f.render_widget(Clear, rect);
        f.render_widget(
            Paragraph::new(format!("{mark} {text}"))
                .wrap(Wrap { trim: true })
                .block(Block::default().borders(Borders::ALL).border_style(style)),
            rect,
        );
    }
}
