//! A ratatui backend for one SSH connection: crossterm's backend writing into an in-memory
//! queue the runner sends down the channel, at the size the client's pty announced (pty-req,
//! then window-change), never the server's own terminal size; the cursor position is the one
//! last set, never asked of a terminal.

use std::io;
use std::sync::{Arc, Mutex};

use crossterm::{cursor, event, execute, terminal};
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

/// The bytes drawn and not yet taken (shared by the backend and its writer).
#[derive(Clone, Default)]
struct Queue(Arc<Mutex<Vec<u8>>>);

impl Queue {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl io::Write for Queue {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Draws into a byte queue at a size set by the runner.
pub struct SshBackend {
    inner: CrosstermBackend<Queue>,
    queue: Queue,
    size: Size,
    cursor: Position,
}

impl SshBackend {
    /// A backend for a pty of `columns` × `rows`.
    pub fn new(columns: u16, rows: u16) -> SshBackend {
        let queue = Queue::default();
        SshBackend {
            inner: CrosstermBackend::new(queue.clone()),
            queue,
            size: Size::new(columns, rows),
            cursor: Position::ORIGIN,
        }
    }

    /// The client's new window size (window-change); the next draw redraws at it.
    pub fn set_size(&mut self, columns: u16, rows: u16) {
        self.size = Size::new(columns, rows);
    }

    /// The bytes drawn since the last call, for the channel.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.queue.take()
    }
}

impl Backend for SshBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        self.cursor = position;
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::new(0, 0),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// What the runner sends when a session starts: the alternate screen, cleared, the cursor
/// hidden, mouse reporting (SGR) and bracketed paste on.
pub fn setup_sequence() -> Vec<u8> {
    let mut out = Vec::new();
    execute!(
        out,
        terminal::EnterAlternateScreen,
        terminal::Clear(terminal::ClearType::All),
        cursor::Hide,
        event::EnableMouseCapture,
        event::EnableBracketedPaste
    )
    .expect("writing to a Vec cannot fail");
    out
}

/// What the runner sends when a session ends, so the client's terminal is as it was: paste
/// and mouse reporting off, the cursor shown, the main screen back.
pub fn teardown_sequence() -> Vec<u8> {
    let mut out = Vec::new();
    execute!(
        out,
        event::DisableBracketedPaste,
        event::DisableMouseCapture,
        cursor::Show,
        terminal::LeaveAlternateScreen
    )
    .expect("writing to a Vec cannot fail");
    out
}
