//! The composer: a multi-line editor (ratatui-textarea: undo, paste, word moves) with a byte
//! limit. Used for rejection reasons now, replies and notes in the support workflow.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::ui::theme::Theme;

pub struct Composer {
    pub title: String,
    pub hint: String,
    area: TextArea<'static>,
    pub max_bytes: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComposerOutcome {
    Editing,
    /// Ctrl-S or Alt-Enter: send what was typed.
    Submit,
    Cancel,
}

impl Composer {
    pub fn new(title: impl Into<String>, hint: impl Into<String>, max_bytes: usize) -> Composer {
        let mut area = TextArea::default();
        area.set_max_histories(200);
        // Long lines wrap at words (a long word at a glyph): the start of the text never
        // scrolls out of view.
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        Composer {
            title: title.into(),
            hint: hint.into(),
            area,
            max_bytes,
        }
    }

    /// Starts with `text` (a saved draft, an article's body): sanitised, since the editor draws
    /// it as it is; its lines stay.
    pub fn with_text(mut self, text: &str) -> Composer {
        let text = crate::domain::sanitize(text);
        self.area = TextArea::new(text.lines().map(str::to_owned).collect());
        self.area.set_max_histories(200);
        self.area.set_wrap_mode(WrapMode::WordOrGlyph);
        self
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn bytes(&self) -> usize {
        self.area
            .lines()
            .iter()
            .map(|l| l.len() + 1)
            .sum::<usize>()
            .saturating_sub(1)
    }

    pub fn over_limit(&self) -> bool {
        self.bytes() > self.max_bytes
    }

    /// Inserts `text` at the cursor (a paste), sanitised like [`Self::with_text`].
    pub fn paste(&mut self, text: &str) {
        self.area.insert_str(crate::domain::sanitize(text));
    }

    /// Adds `text` as a paragraph of its own at the end (a canned reply): a blank line
    /// separates it from what was typed.
    pub fn add_paragraph(&mut self, text: &str) {
        self.area.move_cursor(CursorMove::Bottom);
        self.area.move_cursor(CursorMove::End);
        let typed = self.text();
        let gap = match typed.trim_end_matches(' ') {
            "" => "",
            t if t.ends_with("\n\n") => "",
            t if t.ends_with('\n') => "\n",
            _ => "\n\n",
        };
        self.paste(&format!("{gap}{text}"));
    }

    pub fn handle(&mut self, e: &KeyEvent) -> ComposerOutcome {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        let alt = e.modifiers.contains(KeyModifiers::ALT);
        match e.code {
            KeyCode::Esc => ComposerOutcome::Cancel,
            KeyCode::Char('s') if ctrl => ComposerOutcome::Submit,
            KeyCode::Enter if alt || ctrl => ComposerOutcome::Submit,
            _ => {
                self.area.input(*e);
                ComposerOutcome::Editing
            }
        }
    }

    pub fn draw(&mut self, f: &mut Frame, rect: Rect, theme: &Theme) {
        let count = format!(" {} / {} ", self.bytes(), self.max_bytes);
        let count_style = if self.over_limit() {
            theme.danger
        } else {
            theme.muted
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.accent)
            // A title wider than the box ends with '…' rather than being cut off silently.
            .title(Span::styled(
                format!(
                    " {} ",
                    crate::domain::text::truncate_to_width(
                        &crate::domain::sanitize_line(&self.title),
                        usize::from(rect.width.saturating_sub(4)),
                    )
                ),
                theme.header,
            ))
            .title_bottom(Line::from(vec![
                Span::styled(
                    format!(" {} ", crate::domain::sanitize_line(&self.hint)),
                    theme.muted,
                ),
                Span::styled(count, count_style),
            ]));
        self.area.set_block(block);
        self.area
            .set_cursor_line_style(ratatui::style::Style::default());
        f.render_widget(Clear, rect);
        f.render_widget(&self.area, rect);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_counts_bytes_and_submits() {
        let mut c = Composer::new("Reject", "ctrl-s send", 10);
        for ch in "Montant é".chars() {
            c.handle(&KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
        }
        assert_eq!(c.text(), "Montant é");
        assert_eq!(c.bytes(), 10);
        assert!(!c.over_limit());
        c.paste("x");
        assert!(c.over_limit());
        assert_eq!(
            c.handle(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            ComposerOutcome::Submit
        );
    }
}
