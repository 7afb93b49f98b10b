//! Terminal setup and its guaranteed restoration: on drop, and on panic before the report is
//! printed, so a crash never leaves the staff member's shell in raw mode.

use std::io::{Write, stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Term = Terminal<CrosstermBackend<std::io::Stdout>>;

pub struct TerminalGuard {
    mouse: bool,
}

/// Whether the terminal is set up for the back-office now (raw mode, alternate screen).
static ENTERED: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back as it was. Safe to call more than once: only the first call after
/// [`TerminalGuard::enter`] writes anything. That matters after a panic: the hook restores the
/// terminal and prints the report on the normal screen, then unwinding drops the guard, and a
/// second "leave the alternate screen" would make xterm-like terminals restore the cursor saved
/// on entry, so the shell prompt would be drawn over the report.
pub fn restore(mouse: bool) {
    if !ENTERED.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = stdout();
    if mouse {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

impl TerminalGuard {
    pub fn enter(mouse: bool) -> std::io::Result<(TerminalGuard, Term)> {
        install_panic_hook(mouse);
        ENTERED.store(true, Ordering::SeqCst);
        let setup = || -> std::io::Result<Term> {
            enable_raw_mode()?;
            let mut out = stdout();
            execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
            if mouse {
                execute!(out, EnableMouseCapture)?;
            }
            Terminal::new(CrosstermBackend::new(stdout()))
        };
        match setup() {
            Ok(terminal) => Ok((TerminalGuard { mouse }, terminal)),
            // Half set up (raw mode on, say): put back what was done.
            Err(e) => {
                restore(mouse);
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore(self.mouse);
    }
}

fn install_panic_hook(mouse: bool) {
    let (panic_hook, _) = color_eyre::config::HookBuilder::default().into_hooks();
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The screen belongs to the event loop on the main thread. A background task that
        // panics is caught by tokio and the program goes on: restoring the terminal under the
        // running TUI, or printing over it, would wreck the screen. It goes to the log.
        if std::thread::current().name() != Some("main") {
            tracing::error!("a background task panicked: {info}");
            return;
        }
        restore(mouse);
        panic_hook(info);
    }));
}

/// Copies `text` to the clipboard of the terminal the user sits at (works over SSH).
pub fn osc52_copy(text: &str) {
    let mut out = stdout();
    let _ = out.write_all(&osc52_sequence(text));
    let _ = out.flush();
}

/// The OSC 52 sequence that puts `text` on a terminal's clipboard.
pub fn osc52_sequence(text: &str) -> Vec<u8> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x07").into_bytes()
}
