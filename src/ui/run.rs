//! Starting the back-office: the demo database on first run, the remembered login, the
//! terminal, and the event loop.

use std::io::Write;
use std::time::Duration;

use chrono::{NaiveTime, Utc};
use crossterm::event::EventStream;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::office::session;
use crate::seed;
use crate::service::{Origin, auth, bootstrap};
use crate::store::{Backend, Db, feed};

use super::app::{App, AppEvent, AppOptions, LoginSettings, SessionToken};
use super::keymap::Keymap;
use super::screens::TabId;
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

/// Creates, migrates and seeds the embedded demo database, with a one-line progress report.
/// It is built under a temporary name and renamed when complete, so an interrupted first run
/// never leaves a half-seeded database behind.
async fn create_demo(config: &Config) -> Result<(), String> {
    let path = config.demo_database_path();
    let dir = config.data_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let partial = dir.join("obryl.db.partial");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
    }
    println!(
        "First run: creating the demo database in {}",
        path.display()
    );
    let db = Db::connect(&format!("sqlite://{}", partial.display()))
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    bootstrap::ensure_reference_data(&db)
        .await
        .map_err(|e| e.to_string())?;
    let anchor = Utc::now()
        .date_naive()
        .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default())
        .and_utc();
    let progress = |table: &str, done: u64, total: u64| {
        print!("\r  seeding {table:<26} {done:>7}/{total:<7}");
        let _ = std::io::stdout().flush();
    };
    let opts = seed::SeedOptions {
        size: seed::Size::Demo,
        seed: 7,
        anchor,
    };
    seed::seed(&db, &opts, &progress)
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    std::fs::rename(&partial, &path)
        .map_err(|e| format!("cannot move the demo database into place: {e}"))?;
    println!("\r  demo database ready.{:60}", "");
    Ok(())
}

async fn run_inner(launch: Launch, config: Config) -> Result<(), String> {
    let (url, is_demo) = config.database_url();
    if is_demo && !config.demo_database_path().exists() {
        create_demo(&config).await?;
    }
    let db = Db::connect(&url).await.map_err(|e| e.to_string())?;
    if is_demo {
        // The embedded database follows the program's schema without a separate step.
        db.migrate().await.map_err(|e| e.to_string())?;
    }
    db.ensure_migrated()
        .await
        .map_err(|e| format!("{e} ({})", crate::store::db_redact(&url)))?;

    let env = |k: &str| std::env::var(k).ok();
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (keymap, problems) = Keymap::new(&config.keys);
    let start_tab = launch
        .tab
        .as_deref()
        .and_then(TabId::parse)
        .or_else(|| TabId::parse(&config.ui.start_tab))
        .unwrap_or(TabId::Projects);
    let opts = AppOptions {
        locale: config.locale(env),
        theme: config.ui.theme.clone(),
        no_color,
        read_only: config.ui.read_only,
        mouse: config.ui.mouse,
        start_tab,
        commission_oldest_first: config.ui.commission_order != "newest",
        db_label: db.describe(),
        backend_pushes: db.backend() == Backend::Postgres,
        reason_max_bytes: config.limits.reason_max_bytes,
        reply_max_bytes: config.limits.reply_max_bytes,
        drafts_dir: Some(config.data_dir().join("drafts")),
        exports_dir: Some(config.data_dir().join("exports")),
        login: LoginSettings {
            policy: config.login.throttle_policy(),
            remembered_ttl: chrono::Duration::days(config.session.ttl_days.max(1)),
            live_ttl: chrono::Duration::hours(config.session.login_hours.max(1)),
        },
    };

    // A remembered login opens straight in: no bcrypt on every start.
    let remembered = match (&launch.as_email, session::load_token(&config, &url)) {
        (None, Some(token)) => auth::resume(&db, &token)
            .await
            .ok()
            .map(|actor| (actor, token)),
        _ => None,
    };

    let (tx, mut rx) = mpsc::unbounded_channel::<AppEvent>();
    let mut app = App::new(db.clone(), tx.clone(), keymap, opts, Utc::now());
    match remembered {
        Some((actor, token)) => {
            app.token = Some(SessionToken {
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

    let cancel = CancellationToken::new();
    let (feed_tx, mut feed_rx) = mpsc::unbounded_channel();
    tokio::spawn(feed::run(
        db.clone(),
        feed_tx,
        cancel.clone(),
        Duration::from_millis(config.live.poll_ms.max(50)),
    ));
    let forward = tx.clone();
    tokio::spawn(async move {
        while let Some(change) = feed_rx.recv().await {
            if forward.send(AppEvent::Feed(change)).is_err() {
                break;
            }
        }
    });

    let (guard, mut terminal) = TerminalGuard::enter(config.ui.mouse)
        .map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(250));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        if app.dirty {
            app.dirty = false;
            if let Err(e) = terminal.draw(|f| app.draw(f)) {
                break Err(format!("cannot draw: {e}"));
            }
            if let Some(text) = app.clipboard.take() {
                osc52_copy(&text);
            }
        }
        if app.token_changed {
            app.token_changed = false;
            match &app.token {
                Some(t) if t.remembered => {
                    if let Err(e) = session::save_token(&config, &url, &t.token) {
                        app.toast(
                            format!("cannot save the remembered login: {e}"),
                            Level::Error,
                        );
                    }
                }
                Some(_) => {}
                None => session::forget_token(&config),
            }
        }
        if let Some(token) = app.ended_token.take() {
            let db = db.clone();
            tokio::spawn(async move {
                if let Err(e) = auth::logout(&db, &token, &Origin::tui()).await {
                    tracing::warn!("ending the session: {e}");
                }
            });
        }
        if app.quit {
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
    // A login that was not remembered ends with the program.
    if let Some(t) = app.token.take().filter(|t| !t.remembered) {
        let origin = Origin::tui();
        let ending = auth::logout(&db, &t.token, &origin);
        if let Err(e) = tokio::time::timeout(Duration::from_secs(3), ending).await {
            tracing::warn!("ending the session: {e}");
        }
    }
    db.close().await;
    result
}
