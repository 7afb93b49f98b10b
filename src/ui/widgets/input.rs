//! A single-line text input (filter, palette, login fields): cursor, insert, delete, words.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    chars: Vec<char>,
    cursor: usize,
    /// Longest accepted text, in characters.
    pub max_chars: usize,
}

/// What a key did to the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputOutcome {
    Changed,
    Moved,
    Submit,
    Cancel,
    Ignored,
}

/// What a paste or a preset text may bring into the line: escape sequences are dropped whole
/// (dropping only their ESC would leave "]52;c;…" or "[2J" in the text, and on screen), with the
/// bidi and other control characters; tabs and line breaks are dropped, as any control is.
fn clean(s: &str) -> String {
    let flat: String = s.chars().filter(|c| !matches!(c, '\t' | '\n')).collect();
    crate::domain::sanitize_line(&flat)
}

impl LineInput {
    pub fn new(max_chars: usize) -> LineInput {
        LineInput {
            chars: Vec::new(),
            cursor: 0,
            max_chars,
        }
    }

    pub fn with_text(text: &str, max_chars: usize) -> LineInput {
        let mut i = LineInput::new(max_chars);
        i.set(text);
        i
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn set(&mut self, text: &str) {
        self.chars = clean(text)
            .chars()
            .filter(|c| !c.is_control())
            .take(self.max_chars)
            .collect();
        self.cursor = self.chars.len();
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Display columns before the cursor (to place the terminal cursor).
    pub fn cursor_column(&self) -> u16 {
        let before: String = self.chars[..self.cursor].iter().collect();
        before.width() as u16
    }

    pub fn insert_str(&mut self, s: &str) {
        for c in clean(s).chars().filter(|c| !c.is_control()) {
            if self.chars.len() >= self.max_chars {
                break;
            }
            self.chars.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    pub fn handle(&mut self, e: &KeyEvent) -> InputOutcome {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        match e.code {
            KeyCode::Enter => InputOutcome::Submit,
            KeyCode::Esc => InputOutcome::Cancel,
            KeyCode::Char('u') if ctrl => {
                self.chars.drain(..self.cursor);
                self.cursor = 0;
                InputOutcome::Changed
            }
            KeyCode::Char('w') if ctrl => {
                let mut start = self.cursor;
                while start > 0 && self.chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && self.chars[start - 1] != ' ' {
                    start -= 1;
                }
                self.chars.drain(start..self.cursor);
                self.cursor = start;
                InputOutcome::Changed
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                InputOutcome::Moved
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = self.chars.len();
                InputOutcome::Moved
            }
            KeyCode::Char(c) if !ctrl => {
                if self.chars.len() < self.max_chars {
                    self.chars.insert(self.cursor, c);
                    self.cursor += 1;
                }
                InputOutcome::Changed
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
                InputOutcome::Changed
            }
            KeyCode::Delete if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
                InputOutcome::Changed
            }
            KeyCode::Left if self.cursor > 0 => {
                self.cursor -= 1;
                InputOutcome::Moved
            }
            KeyCode::Right if self.cursor < self.chars.len() => {
                self.cursor += 1;
                InputOutcome::Moved
            }
            KeyCode::Home => {
                self.cursor = 0;
                InputOutcome::Moved
            }
            KeyCode::End => {
                self.cursor = self.chars.len();
                InputOutcome::Moved
            }
            _ => InputOutcome::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_at_the_cursor_and_respects_the_limit() {
        let mut i = LineInput::new(5);
        for c in "abcdefg".chars() {
            i.handle(&k(KeyCode::Char(c)));
        }
        assert_eq!(i.text(), "abcde");
        i.handle(&k(KeyCode::Left));
        i.handle(&k(KeyCode::Backspace));
        assert_eq!(i.text(), "abce");
        assert_eq!(i.handle(&k(KeyCode::Enter)), InputOutcome::Submit);
        i.set("é日x");
        assert_eq!(i.cursor_column(), 4);
        i.handle(&KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(i.text(), "");
    }

    #[test]
    fn pastes_lose_whole_escape_sequences_not_just_their_esc() {
        let mut i = LineInput::new(100);
        i.insert_str("a\u{1b}]52;c;ZXZpbA==\u{7}b\u{1b}[2Jc\u{9b}31md\u{202e}e\u{7f}\tf\ng");
        assert_eq!(i.text(), "abcdefg");
        i.set("x\u{1b}]0;title\u{1b}\\y");
        assert_eq!(i.text(), "xy");
    }
}
