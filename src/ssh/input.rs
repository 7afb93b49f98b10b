//! A connection's input bytes -> the App's [`Input`] events, through `termina`'s streaming
//! parser (helix-editor) and the `terminput` adapters to crossterm's event types.
//!
//! The parser keeps its state across packets: several events may arrive in one packet, and an
//! escape sequence may be split across two. A lone Esc cannot be told apart from the start of a
//! sequence by its bytes alone, so the decoder holds it: the next packet decides (`ESC [ A` is
//! Up, `ESC j` is Alt-j, as terminals send Alt), or, when nothing follows, the runner calls
//! [`InputDecoder::flush_pending`] after a short quiet delay ([`ESC_DELAY`]) and it becomes Esc.

use std::time::Duration;

use crate::ui::Input;

/// How long the runner waits after a packet ending in a held Esc before it calls
/// [`InputDecoder::flush_pending`] (what a terminal sends for one sequence arrives at once;
/// a person does not type Esc then `[A` within this time).
pub const ESC_DELAY: Duration = Duration::from_millis(30);

/// One connection's input parser.
#[derive(Debug, Default)]
pub struct InputDecoder {
    parser: termina::Parser,
}

impl InputDecoder {
    pub fn new() -> InputDecoder {
        InputDecoder::default()
    }

    /// The events the bytes of one packet complete (with what earlier packets left held).
    /// A packet may end inside a sequence (or on a lone Esc): those bytes are held.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Input> {
        if bytes.is_empty() {
            return Vec::new();
        }
        self.parser.parse(bytes, true);
        self.drain()
    }

    /// Takes what is held as complete, for the runner to call once the input has been quiet
    /// for [`ESC_DELAY`] after a packet (harmless when nothing is held): a lone Esc becomes
    /// the Esc key.
    pub fn flush_pending(&mut self) -> Vec<Input> {
        self.parser.parse(&[], false);
        self.drain()
    }

    fn drain(&mut self) -> Vec<Input> {
        let mut out = Vec::new();
        while let Some(event) = self.parser.pop() {
            if let Some(input) = convert(event) {
                out.push(input);
            }
        }
        out
    }
}

/// termina's event as the App's input: through terminput to crossterm, then as the local
/// runner converts crossterm's events (key releases, focus and terminal replies are dropped).
fn convert(event: termina::Event) -> Option<Input> {
    let event = terminput_termina::to_terminput(event).ok()?;
    let event = terminput_crossterm::to_crossterm(event).ok()?;
    Input::from_terminal(event)
}
