//! The local runner: the first run's demo database, the remembered login, this terminal and
//! its event stream, the change feed, and the loop that hands them to the `App` (which knows
//! nothing of whose terminal it draws on).

use std::io::Write;
use std::time::Duration;

use chrono::Utc;
use crossterm::event::EventStream;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::office::session::LoginMemory;
use crate::seed;
use crate::service::auth;
use crate::store::{Db, feed};

use super::app::{App, AppEvent, AppOptions, Request};
use super::keymap::Keymap;
use super::login::DemoAccounts;
use super::session::{Session, SessionToken};
use super::terminal::{TerminalGuard, osc52_copy};
use super::widgets::toast::Level;

/// What the command line asks of the TUI.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// Prefills the login screen (and skips the remembered login).
    pub as_email: Option<String>,
    /// The screen to open on, by name (`audit`, `users`, ...).
    pub tab: Option<String>,
}

/// Runs the TUI until the staff member quits; the error is a sentence for stderr.
pub async fn run(launch: Launch, config: Config) -> Result<(), String> {
    run_inner(launch, config).await
}

async fn run_inner(launch: Launch, config: Config) -> Result<(), String> {
    let (url, is_demo) = config.database_url();
    if is_demo {
        // The same door as every command's: the demo is built once, whoever comes first.
        let path = config.demo_database_path();
        let locale = config.locale(|k| std::env::var(k).ok());
        let starting = || {
            let at = path.display().to_string();
            println!(
                "{}",
                crate::tr(locale, "first_run.creating", &[("path", &at)])
            );
        };
        let progress = |table: &str, done: u64, total: u64| {
            print!("\r  seeding {table:<26} {done:>7}/{total:<7}");
            let _ = std::io::stdout().flush();
        };
        if seed::demo::ensure(&path, &starting, &progress).await? {
            println!("\r  {}{:60}", crate::tr(locale, "first_run.ready", &[]), "");
        }
    }
    let db = Db::connect_sized(&url, config.database.pool_size)
        .await
        .map_err(|e| e.to_string())?;
    if is_demo {
        // The embedded database follows the program's schema without a separate step.
        db.migrate().await.map_err(|e| e.to_string())?;
        // Its media files too (a missing one is reported by the view, never fatal).
        if let Err(e) = seed::media_files::lay_out(&db, &config.media_disk()).await {
            tracing::warn!("laying out the demo's media files: {e}");
        }
    }
    db.ensure_migrated()
        .await
        .map_err(|e| format!("{e} ({})", crate::store::db_redact(&url)))?;

    let (keymap, problems) = Keymap::new(&config.keys, &crate::ui::screens::TabId::layers());
    let opts = AppOptions::from_config(&config, launch.tab.as_deref(), &db);

    // This terminal's person: their remembered login, drafts, language and colours.
    let memory = LoginMemory::local(&config, &url);
    // A remembered login opens straight in: no bcrypt on every start.
    let remembered = match (&launch.as_email, memory.load()) {
        (None, Some(token)) => auth::resume(&db, &token)
            .await
            .ok()
            .map(|actor| (actor, token)),
        _ => None,
    };

    // The change feed takes its starting point now, on the connection just used, so the first
    // screen's query has the pool to itself.
    let cancel = CancellationToken::new();
    let poll = Duration::from_millis(config.live.poll_ms.max(50));
    let hub = feed::Hub::start(db.clone(), cancel.clone(), poll).await;

    let (tx, mut rx) = mpsc::unbounded_channel::<AppEvent>();
    follow_feed(&hub, tx.clone());
    let session = Session::local(&opts, Some(memory));
    let mut app = App::for_session(db.clone(), tx.clone(), keymap, opts, session, Utc::now());
    match remembered {
        Some((actor, token)) => {
            app.session.token = Some(SessionToken {
                token,
                remembered: true,
            });
            app.start_session(actor);
        }
        None => app.show_login(launch.as_email.as_deref(), config.session.remember),
    }
    for p in problems {
        app.toast(p, Level::Error);
    }

    // The embedded demo needs no second command: its worker runs here (webhook deliveries,
    // auto-release, expiries, SLA breaches), as the demo's service account, and stops with the
    // program.
    let worker = (is_demo && config.worker.in_process_on_demo).then(|| {
        let account = seed::demo::SERVICE_ACCOUNT;
        crate::worker::in_process(db.clone(), &config, account, cancel.clone())
    });

    // The demo accounts are listed once the database says it holds them (asked only when the
    // login screen shows, from now on: usually answered before the first draw).
    let mut demo = app.login.is_some().then(|| DemoAccounts::look_up(&db));
    let (guard, mut terminal) = TerminalGuard::enter(config.ui.mouse)
        .map_err(|e| format!("cannot set up the terminal: {e}"))?;
    // Asked before the event stream reads stdin: the answer must not be taken for keys.
    if app.opts.graphics == super::options::GraphicsMode::Auto {
        app.session.graphics = Some(super::graphics::ask_local_terminal(
            super::graphics::ANSWER_WITHIN,
        ));
    }
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(250));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        if app.login.is_some() {
            let demo = demo.get_or_insert_with(|| DemoAccounts::look_up(&db));
            if demo.show_on(app.login.as_mut()) {
                app.dirty = true;
            }
        }
        if app.dirty {
            app.dirty = false;
            if let Err(e) = terminal.draw(|f| app.draw(f)) {
                break Err(format!("cannot draw: {e}"));
            }
        }
        let mut leaving = false;
        for request in app.take_requests() {
            match request {
                Request::Quit => leaving = true,
                Request::Copy(text) => osc52_copy(&text),
                Request::EndSession(token) => {
                    let (db, origin) = (db.clone(), app.session.origin.clone());
                    tokio::spawn(async move {
                        if let Err(e) = auth::logout(&db, &token, &origin).await {
                            tracing::warn!("ending the session: {e}");
                        }
                    });
                }
            }
        }
        if leaving {
            break Ok(());
        }
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => app.handle_event(ev),
                Some(Err(e)) => break Err(format!("terminal input failed: {e}")),
                None => break Ok(()),
            },
            Some(ev) = rx.recv() => app.on_app_event(ev),
            _ = ticker.tick() => app.on_tick(Utc::now()),
        }
    };
    cancel.cancel();
    drop(guard);
    if let Some(worker) = worker {
        // The attempt in flight is finished and recorded; a stuck one does not hold the exit.
        let _ = tokio::time::timeout(Duration::from_secs(5), worker).await;
    }
    // A login that was not remembered ends with the program.
    if let Some(t) = app.session.token.take().filter(|t| !t.remembered) {
        let ending = auth::logout(&db, &t.token, &app.session.origin);
        if let Err(e) = tokio::time::timeout(Duration::from_secs(3), ending).await {
            tracing::warn!("ending the session: {e}");
        }
    }
    db.close().await;
    result
}

/// Hands the process's change feed to one App until it goes away. A listener that fell behind
/// is told the feed reconnected, so it refetches what it shows rather than miss a change.
pub fn follow_feed(hub: &feed::Hub, app: mpsc::UnboundedSender<AppEvent>) {
    let mut changes = hub.subscribe();
    tokio::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            let changes_now = match changes.recv().await {
                Ok(change) => vec![change],
                // As after a lost connection: everything shown is fetched again.
                Err(RecvError::Lagged(_)) => vec![
                    feed::Change::Connection { live: false },
                    feed::Change::Connection { live: true },
                ],
                Err(RecvError::Closed) => break,
            };
            for change in changes_now {
                if app.send(AppEvent::Feed(change)).is_err() {
                    return;
                }
            }
        }
    });
}
