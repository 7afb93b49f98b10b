//! Driving the terminal back-office without a terminal: a seeded demo database (built once per
//! test process, copied for each test), an `App` logged in as a demo staff member, a pump for
//! the data answers, and rendering into a `TestBackend` as plain text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use obryl::domain::Locale;
use obryl::seed::{self, SeedOptions, Size};
use obryl::service::Actor;
use obryl::store::Db;
use obryl::ui::app::{App, AppEvent, AppOptions};
use obryl::ui::keymap::Keymap;
use obryl::ui::screens::TabId;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc::{self, UnboundedReceiver};
use unicode_width::UnicodeWidthStr;

/// The "now" of the demo history and of the app's clock: snapshots do not depend on the day.
pub const ANCHOR: &str = "2026-11-23T09:00:00Z";

pub fn anchor() -> DateTime<Utc> {
    ANCHOR.parse().expect("anchor")
}

/// The seeded demo database file, built once per test process.
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("obryl-ui-demo");
        std::fs::create_dir_all(&root).expect("template root");
        // Templates of earlier runs (one per test process) are dropped after an hour.
        if let Ok(entries) = std::fs::read_dir(&root) {
            for e in entries.flatten() {
                let old = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|m| m.elapsed().ok())
                    .is_some_and(|age| age > Duration::from_secs(3600));
                if old {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = root.join(format!(
            "{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).expect("template dir");
        let path = dir.join("demo.db");
        let target = path.clone();
        // Its own thread and runtime: callers may already be inside a runtime.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let db = Db::connect(&format!("sqlite://{}", target.display()))
                    .await
                    .expect("open template");
                db.migrate().await.expect("migrate template");
                obryl::service::bootstrap::ensure_reference_data(&db)
                    .await
                    .expect("reference data");
                let opts = SeedOptions {
                    size: Size::Demo,
                    seed: 7,
                    anchor: anchor(),
                };
                seed::seed(&db, &opts, &|_, _, _| {})
                    .await
                    .expect("seed demo");
                db.close().await;
            });
        })
        .join()
        .expect("seeding thread");
        path
    })
}

/// A private copy of the seeded demo database (SQLite in a temp dir kept alive by the guard).
pub async fn demo_db() -> (Db, tempfile::TempDir) {
    let src = template();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("demo.db");
    std::fs::copy(src, &path).expect("copy template");
    for suffix in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", src.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{suffix}", path.display())).expect("copy wal");
        }
    }
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open demo copy");
    (db, dir)
}

pub async fn actor(db: &Db, email: &str) -> Actor {
    let user = obryl::store::users::find_by_email(&mut db.clone(), email)
        .await
        .expect("find user")
        .unwrap_or_else(|| panic!("no user {email}"));
    Actor::load(&mut db.clone(), user.id)
        .await
        .expect("load actor")
}

pub fn options(locale: Locale, start_tab: TabId) -> AppOptions {
    AppOptions {
        locale,
        theme: "dark".into(),
        no_color: true,
        read_only: false,
        mouse: true,
        start_tab,
        commission_oldest_first: true,
        db_label: "sqlite demo".into(),
        backend_pushes: false,
        reason_max_bytes: 4096,
        reply_max_bytes: 65536,
        drafts_dir: None,
        exports_dir: None,
        data_dir: None,
        webhook_policy: Default::default(),
        media_rules: Default::default(),
        graphics: obryl::ui::options::GraphicsMode::Halfblocks,
        login: Default::default(),
    }
}

/// An app and the receiving end of its events. Like the real event loop, it draws (at `size`)
/// after every key and every answer, so list viewports are those a user would have.
pub struct Harness {
    pub app: App,
    pub rx: UnboundedReceiver<AppEvent>,
    pub size: (u16, u16),
}

impl Harness {
    /// The main screens as `email`, on `start_tab`, with the first answers in.
    pub async fn new(db: &Db, email: &str, locale: Locale, start_tab: TabId) -> Harness {
        Harness::with_options(db, email, options(locale, start_tab)).await
    }

    /// [`Harness::new`] with options of the test's own.
    pub async fn with_options(db: &Db, email: &str, opts: AppOptions) -> Harness {
        let session = obryl::ui::session::Session::local(&opts, None);
        Harness::with_session(db, email, opts, session).await
    }

    /// [`Harness::with_options`] for a connection of the test's own (its origin, drafts).
    pub async fn with_session(
        db: &Db,
        email: &str,
        opts: AppOptions,
        session: obryl::ui::session::Session,
    ) -> Harness {
        let (tx, rx) = mpsc::unbounded_channel();
        let (keymap, problems) =
            Keymap::new(&BTreeMap::new(), &obryl::ui::screens::TabId::layers());
        assert!(problems.is_empty());
        let mut app = App::for_session(db.clone(), tx, keymap, opts, session, anchor());
        let who = actor(db, email).await;
        app.start_session(who);
        let mut h = Harness {
            app,
            rx,
            size: (120, 40),
        };
        h.pump().await;
        h
    }

    /// The login screen (nobody logged in yet).
    pub async fn login_screen(db: &Db, locale: Locale) -> Harness {
        let (tx, rx) = mpsc::unbounded_channel();
        let (keymap, _) = Keymap::new(&BTreeMap::new(), &obryl::ui::screens::TabId::layers());
        let mut app = App::new(
            db.clone(),
            tx,
            keymap,
            options(locale, TabId::Projects),
            anchor(),
        );
        app.show_login(None, true);
        Harness {
            app,
            rx,
            size: (120, 40),
        }
    }

    /// Hands every answer to the app until no request is in flight and none is waiting.
    pub async fn pump(&mut self) {
        pump(&mut self.app, &mut self.rx, Some(self.size)).await;
    }

    /// Pumps until `done` holds (for answers that `idle` does not track: actions, login).
    pub async fn pump_until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}");
            match tokio::time::timeout(left.min(Duration::from_millis(200)), self.rx.recv()).await {
                Ok(Some(ev)) => {
                    self.app.on_app_event(ev);
                    self.draw();
                }
                Ok(None) => panic!("event channel closed while waiting for {what}"),
                Err(_) => {}
            }
        }
        self.pump().await;
    }

    pub async fn key(&mut self, code: KeyCode) {
        self.key_mod(code, KeyModifiers::NONE).await;
    }

    pub async fn key_mod(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.app.handle_key(KeyEvent::new(code, modifiers));
        self.draw();
        self.pump().await;
    }

    pub async fn char(&mut self, c: char) {
        self.key(KeyCode::Char(c)).await;
    }

    pub async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.app
                .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        self.pump().await;
    }

    /// Draws at the current size when something changed (as the event loop does).
    pub fn draw(&mut self) {
        if self.app.dirty {
            self.app.dirty = false;
            let (w, h) = self.size;
            render_buffer(&mut self.app, w, h);
        }
    }

    /// Sets the terminal size and draws at it (a resize).
    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        self.app.dirty = true;
        self.draw();
    }

    /// The screen at `w`×`h` as text (which becomes the terminal size from then on).
    pub fn render(&mut self, w: u16, h: u16) -> String {
        buffer_text(&self.render_buffer(w, h))
    }

    /// The screen at `w`×`h` (which becomes the terminal size from then on).
    pub fn render_buffer(&mut self, w: u16, h: u16) -> Buffer {
        self.size = (w, h);
        self.app.dirty = false;
        render_buffer(&mut self.app, w, h)
    }
}

/// Hands every answer to the app until no request is in flight and none is waiting; with
/// `draw`, draws at that size after each answer that changed something.
pub async fn pump(app: &mut App, rx: &mut UnboundedReceiver<AppEvent>, draw: Option<(u16, u16)>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let redraw = |app: &mut App| {
        if let Some((w, h)) = draw
            && app.dirty
        {
            app.dirty = false;
            render_buffer(app, w, h);
        }
    };
    loop {
        while let Ok(ev) = rx.try_recv() {
            app.on_app_event(ev);
            redraw(app);
        }
        let idle = app.data.as_ref().is_none_or(|d| d.idle());
        if idle && rx.is_empty() {
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "the data task did not answer within 30 s");
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(ev)) => {
                app.on_app_event(ev);
                redraw(app);
            }
            Ok(None) => return,
            Err(_) => panic!("the data task did not answer within 30 s"),
        }
    }
}

pub fn render_buffer(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| app.draw(f)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The buffer as lines of text: a wide character's trailing cell is skipped (so columns line
/// up in an editor), trailing spaces are dropped.
pub fn buffer_text(buf: &Buffer) -> String {
    let width = buf.area.width as usize;
    let mut out = String::new();
    for row in buf.content.chunks(width.max(1)) {
        let mut line = String::new();
        let mut skip = 0usize;
        for cell in row {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(cell.symbol());
            skip = cell.symbol().width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Every symbol of every cell, concatenated (for "this character never reaches the screen").
pub fn raw_symbols(buf: &Buffer) -> String {
    buf.content.iter().map(|c| c.symbol()).collect()
}
