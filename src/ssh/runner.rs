//! One SSH channel's back-office: the staff member's session opened with their key, an `App`
//! of its own (their language, the server's theme, their drafts), its input parsed from the
//! channel's bytes and its frames written back down the channel. The loop runs as a task of
//! its own: a panic ends that session (the client is told and its terminal restored), never
//! the server.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use ratatui::Terminal;
use russh::ChannelWriteHalf;
use russh::server::Msg;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::domain::Locale;
use crate::office::messages::error_text;
use crate::service::{Origin, auth, ssh_login};
use crate::tr;
use crate::ui::app::{App, AppEvent, Request};
use crate::ui::graphics::{Graphics, Probe};
use crate::ui::keymap::Keymap;
use crate::ui::options::GraphicsMode;
use crate::ui::screens::TabId;
use crate::ui::session::{Session, SessionToken};
use crate::ui::terminal::osc52_sequence;
use crate::ui::{Input, follow_feed};

use super::backend::{SshBackend, setup_sequence, teardown_sequence};
use super::input::{ESC_DELAY, InputDecoder};
use super::server::Shared;

/// What the connection hands its session.
#[derive(Debug)]
pub enum ToSession {
    /// Bytes typed (or pasted, or mouse reports) in one packet.
    Bytes(Vec<u8>),
    /// The client's window changed (columns, rows).
    Resize(u16, u16),
    /// The client closed the channel or went away.
    Closed,
}

/// Where a session's frames go: one channel of one connection.
#[derive(Clone)]
pub struct Out {
    writer: Arc<ChannelWriteHalf<Msg>>,
}

/// How long a client may leave a frame untaken (its window full) before it counts as gone.
const STALLED: Duration = Duration::from_secs(60);

impl Out {
    pub fn new(writer: ChannelWriteHalf<Msg>) -> Out {
        Out {
            writer: Arc::new(writer),
        }
    }

    /// Sends bytes, waiting while the client's window is full (a slow client slows only its
    /// own session). False when the channel is gone or stayed full for [`STALLED`].
    pub async fn send(&self, bytes: Vec<u8>) -> bool {
        if bytes.is_empty() {
            return true;
        }
        let sent = tokio::time::timeout(STALLED, self.writer.data_bytes(bytes)).await;
        matches!(sent, Ok(Ok(())))
    }

    /// Says `line` (the terminal put back first), sets the exit status and closes the channel.
    pub async fn close_with(&self, restore: bool, line: &str, status: u32) {
        let mut bytes = if restore {
            teardown_sequence()
        } else {
            Vec::new()
        };
        if !line.is_empty() {
            let line = crate::domain::sanitize_line(line);
            bytes.extend_from_slice(format!("obryl: {line}\r\n").as_bytes());
        }
        // A client that takes nothing any more does not hold the close.
        let farewell = tokio::time::timeout(Duration::from_secs(5), self.writer.data_bytes(bytes));
        let _ = farewell.await;
        let _ = self.writer.exit_status(status).await;
        let _ = self.writer.eof().await;
        let _ = self.writer.close().await;
    }
}

/// Why a session's loop ended.
#[derive(Debug, PartialEq, Eq)]
enum Ending {
    /// The staff member quit.
    Quit,
    /// Nobody typed for the idle timeout.
    Idle,
    /// The session can no longer act (key, session or roles revoked): the App's reason.
    Ended(String),
    /// The client closed the channel.
    Closed,
    /// The server is stopping.
    Stopping,
}

/// Runs the back-office for the key `fingerprint` on one channel, from the session's opening
/// to the channel's close; `size` is what the client's pty announced.
pub async fn run(
    shared: std::sync::Arc<Shared>,
    out: Out,
    origin: Origin,
    fingerprint: String,
    size: (u16, u16),
    input: mpsc::Receiver<ToSession>,
    locale: Locale,
) {
    let ttl = chrono::Duration::hours(shared.config.ssh.session_hours.max(1));
    let logged = match ssh_login::open(&shared.db, &origin, &fingerprint, ttl).await {
        Ok(logged) => logged,
        Err(e) => {
            out.close_with(false, &error_text(&e, locale), 1).await;
            return;
        }
    };
    let Some(token) = logged.token.clone() else {
        return;
    };
    let locale = logged.actor.locale;
    let task = tokio::spawn(session_loop(
        shared.clone(),
        out.clone(),
        origin.clone(),
        logged,
        size,
        input,
    ));
    let (line, status) = match task.await {
        Ok(Ending::Quit) | Ok(Ending::Closed) => (String::new(), 0),
        Ok(Ending::Idle) => {
            let idle = idle_text(shared.config.ssh.idle_seconds);
            (tr(locale, "ssh.idle", &[("idle", &idle)]), 0)
        }
        Ok(Ending::Ended(reason)) => (reason, 1),
        Ok(Ending::Stopping) => (tr(locale, "ssh.stopping", &[]), 0),
        Err(e) => {
            tracing::error!(peer = %origin.source, "an SSH session failed: {e}");
            (tr(locale, "ssh.crashed", &[]), 1)
        }
    };
    out.close_with(true, &line, status).await;
    // Idempotent: a session already ended (revoked) is left as it is.
    let ending = auth::logout(&shared.db, &token, &origin);
    match tokio::time::timeout(Duration::from_secs(5), ending).await {
        Ok(Err(e)) => tracing::warn!("ending an SSH session: {e}"),
        Err(_) => tracing::warn!("ending an SSH session: timed out"),
        Ok(Ok(_)) => {}
    }
}

async fn session_loop(
    shared: std::sync::Arc<Shared>,
    out: Out,
    origin: Origin,
    logged: auth::LoggedIn,
    (columns, rows): (u16, u16),
    mut input: mpsc::Receiver<ToSession>,
) -> Ending {
    let mut terminal = match Terminal::new(SshBackend::new(columns, rows)) {
        Ok(terminal) => terminal,
        Err(e) => return Ending::Ended(e.to_string()),
    };
    if !out.send(setup_sequence()).await {
        return Ending::Closed;
    }
    // How this person's terminal draws pictures: asked down their own channel, answered on
    // their own input, before anything else is read from it.
    let mut early = Vec::new();
    let graphics = match shared.opts.graphics {
        GraphicsMode::Off => None,
        GraphicsMode::Halfblocks => Some(Graphics::halfblocks()),
        GraphicsMode::Auto => match ask_terminal(&out, &mut input, &mut early).await {
            Some(g) => Some(g),
            None => return Ending::Closed,
        },
    };
    let (tx, mut events) = mpsc::unbounded_channel::<AppEvent>();
    follow_feed(&shared.hub, tx.clone());
    let (keymap, _) = Keymap::new(&shared.config.keys, &TabId::layers());
    let mut session = Session::new(origin, &shared.opts, None);
    session.locale = logged.actor.locale;
    let mut app = App::for_session(
        shared.db.clone(),
        tx,
        keymap,
        shared.opts.clone(),
        session,
        Utc::now(),
    );
    app.session.token = logged.token.map(|token| SessionToken {
        token,
        remembered: false,
    });
    app.session.graphics = graphics;
    app.start_session(logged.actor);

    let idle_after = Duration::from_secs(shared.config.ssh.idle_seconds.max(1));
    let mut decoder = InputDecoder::new();
    let mut esc_due: Option<Instant> = None;
    // Keys typed and resizes while the terminal was answering.
    for message in early {
        match message {
            ToSession::Bytes(bytes) => {
                for event in decoder.feed(&bytes) {
                    app.handle_input(event);
                }
            }
            ToSession::Resize(columns, rows) => {
                terminal.backend_mut().set_size(columns, rows);
                app.handle_input(Input::Resize(columns, rows));
            }
            ToSession::Closed => {}
        }
    }
    let mut ticker = tokio::time::interval(Duration::from_millis(250));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let ending = loop {
        if app.dirty {
            app.dirty = false;
            if let Err(e) = terminal.draw(|f| app.draw(f)) {
                break Ending::Ended(e.to_string());
            }
            let frame = terminal.backend_mut().take_output();
            tokio::select! {
                sent = out.send(frame) => if !sent {
                    break Ending::Closed;
                },
                _ = shared.stopping.cancelled() => break Ending::Stopping,
            }
        }
        let mut leaving = false;
        for request in app.take_requests() {
            match request {
                Request::Quit => leaving = true,
                Request::Copy(text) => {
                    out.send(osc52_sequence(&text)).await;
                }
                // Ended below, once, whatever ended it.
                Request::EndSession(_) => {}
            }
        }
        if leaving {
            break Ending::Quit;
        }
        if app.session.actor.is_none() {
            // No password login over SSH: the reason the session ended is the last word.
            let reason = app.login.as_ref().and_then(|l| l.error.clone());
            break Ending::Ended(reason.unwrap_or_default());
        }
        tokio::select! {
            message = input.recv() => match message {
                Some(ToSession::Bytes(bytes)) => {
                    for event in decoder.feed(&bytes) {
                        app.handle_input(event);
                    }
                    // A held Esc (or a sequence cut short) is decided by what follows soon.
                    esc_due = Some(Instant::now() + ESC_DELAY);
                }
                Some(ToSession::Resize(columns, rows)) => {
                    terminal.backend_mut().set_size(columns, rows);
                    app.handle_input(Input::Resize(columns, rows));
                }
                Some(ToSession::Closed) | None => break Ending::Closed,
            },
            _ = tokio::time::sleep_until(esc_due.unwrap_or_else(Instant::now)), if esc_due.is_some() => {
                esc_due = None;
                for event in decoder.flush_pending() {
                    app.handle_input(event);
                }
            }
            Some(event) = events.recv() => app.on_app_event(event),
            _ = ticker.tick() => {
                app.on_tick(Utc::now());
                if app.idle_for() >= idle_after {
                    break Ending::Idle;
                }
            }
            _ = shared.stopping.cancelled() => break Ending::Stopping,
        }
    };
    app.keep_drafts();
    ending
}

/// Sends the graphics question and reads the answer from the session's input for up to
/// `ANSWER_WITHIN` (half-blocks without one); what arrives after the answer (keys typed,
/// a resize) is left in `early`.
/// None: the channel closed meanwhile.
async fn ask_terminal(
    out: &Out,
    input: &mut mpsc::Receiver<ToSession>,
    early: &mut Vec<ToSession>,
) -> Option<Graphics> {
    if !out.send(Graphics::query().into_bytes()).await {
        return None;
    }
    let deadline = Instant::now() + crate::ui::graphics::ANSWER_WITHIN;
    let mut probe = Probe::new();
    while !probe.done() {
        match tokio::time::timeout_at(deadline, input.recv()).await {
            Err(_) => break,
            Ok(Some(ToSession::Bytes(bytes))) => {
                let rest = probe.feed(&bytes);
                if !rest.is_empty() {
                    early.push(ToSession::Bytes(rest));
                }
            }
            Ok(Some(resize @ ToSession::Resize(..))) => early.push(resize),
            Ok(Some(ToSession::Closed)) | Ok(None) => return None,
        }
    }
    Some(probe.graphics())
}

/// The idle timeout as said to the person: whole minutes when it is some, else seconds.
fn idle_text(seconds: u64) -> String {
    match seconds {
        s if s >= 60 && s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}
