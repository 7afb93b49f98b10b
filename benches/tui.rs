//! Timed harness for the back-office (not a test): first paint, page-down, jump to the real
//! last row, filters, the approve round trip and bytes written to the terminal, measured on the
//! real `App` drawing through crossterm into a counting sink at 160×45.
//!
//! Usage: cargo bench --bench tui -- [DATABASE_URL ...]
//! (each database must be migrated and seeded, e.g. `obryl seed --size large`). Without a
//! database it measures only the text sanitiser.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use obryl::domain::Locale;
use obryl::service::{Actor, Origin, auth};
use obryl::store::Db;
use obryl::ui::app::{App, AppEvent, AppOptions};
use obryl::ui::keymap::Keymap;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc::UnboundedReceiver;

/// Counts the bytes the terminal backend writes.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<usize>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().unwrap() += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn take(&self) -> usize {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

struct Rig {
    app: App,
    rx: UnboundedReceiver<AppEvent>,
    term: Terminal<CrosstermBackend<Sink>>,
    sink: Sink,
}

impl Rig {
    /// Handles answers until the data task is idle, then draws once.
    async fn settle(&mut self) {
        loop {
            let idle = self.app.data.as_ref().is_none_or(|d| d.idle());
            if idle {
                match self.rx.try_recv() {
                    Ok(ev) => self.app.on_app_event(ev),
                    Err(_) => break,
                }
                continue;
            }
            match tokio::time::timeout(Duration::from_secs(30), self.rx.recv()).await {
                Ok(Some(ev)) => self.app.on_app_event(ev),
                _ => break,
            }
        }
        self.term.draw(|f| self.app.draw(f)).unwrap();
    }

    async fn key(&mut self, code: KeyCode) {
        self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.settle().await;
    }
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn rig(db: &Db, actor: Actor, tab: TabId) -> Rig {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let opts = AppOptions {
        locale: Locale::En,
        theme: "dark".into(),
        no_color: false,
        read_only: false,
        mouse: false,
        start_tab: tab,
        commission_oldest_first: true,
        db_label: db.describe(),
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
    };
    let app = App::new(
        db.clone(),
        tx,
        Keymap::new(&BTreeMap::new(), &obryl::ui::screens::TabId::layers()).0,
        opts,
        Utc::now(),
    );
    let sink = Sink::default();
    let term = Terminal::with_options(
        CrosstermBackend::new(sink.clone()),
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 160, 45)),
        },
    )
    .unwrap();
    let _ = actor;
    Rig {
        app,
        rx,
        term,
        sink,
    }
}

/// 60 page-downs in a row on the current list: time and bytes written per frame.
async fn page_down(r: &mut Rig, label: &str) {
    let (mut times, mut bytes) = (Vec::new(), Vec::new());
    for _ in 0..60 {
        let t = Instant::now();
        r.key(KeyCode::PageDown).await;
        times.push(ms(t.elapsed()));
        bytes.push(r.sink.take() as f64);
    }
    println!(
        "{:<22} median {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms  bytes/frame median {:.0} max {:.0}",
        format!("{label} page-down"),
        percentile(times.clone(), 0.5),
        percentile(times.clone(), 0.95),
        percentile(times, 1.0),
        percentile(bytes.clone(), 0.5),
        percentile(bytes, 1.0)
    );
}

/// Five jumps to the real last row (`G`) of the current list, each back to the top after.
async fn jump_to_last(r: &mut Rig, label: &str) {
    let mut jumps = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        r.key(KeyCode::End).await;
        jumps.push(ms(t.elapsed()));
        r.key(KeyCode::Home).await;
    }
    println!(
        "{:<22} median {:>7.2} ms  max {:>7.2} ms",
        format!("{label} jump to last row"),
        percentile(jumps.clone(), 0.5),
        percentile(jumps, 1.0)
    );
}

/// The media moderation queue as a moderator (the super-admin): first screen (pending first),
/// page-down and the real last row.
async fn media(url: &str) {
    let db = Db::connect(url).await.expect("connect");
    let admin = obryl::store::users::find_by_email(&mut db.clone(), "admin@obryl.test")
        .await
        .unwrap()
        .expect("seeded database");
    let admin = Actor::load(&mut db.clone(), admin.id).await.unwrap();
    println!(
        "\n## media queue, {} ({})",
        db.describe(),
        obryl::store::db_redact(url)
    );
    let mut samples = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut r = rig(&db, admin.clone(), TabId::Media).await;
        r.app.start_session(admin.clone());
        r.settle().await;
        samples.push(ms(started.elapsed()));
    }
    println!(
        "first screen {:<12} median {:>7.1} ms  max {:>7.1} ms",
        "media",
        percentile(samples.clone(), 0.5),
        percentile(samples, 1.0)
    );
    let mut r = rig(&db, admin.clone(), TabId::Media).await;
    r.app.start_session(admin);
    r.settle().await;
    r.sink.take();
    page_down(&mut r, "media").await;
    jump_to_last(&mut r, "media").await;
}

async fn bench(url: &str) {
    let db = Db::connect(url).await.expect("connect");
    let finance = obryl::store::users::find_by_email(&mut db.clone(), "finance@obryl.test")
        .await
        .unwrap()
        .expect("seeded database");
    let actor = Actor::load(&mut db.clone(), finance.id).await.unwrap();
    let session = auth::SessionKind::Remembered {
        ttl: chrono::Duration::hours(1),
    };
    let policy = obryl::domain::ThrottlePolicy::default();
    let token = auth::login(&db, &actor.email, "demo", &Origin::cli(), &policy, session)
        .await
        .expect("the seeded password is demo")
        .token
        .expect("a remembered session has a token");
    println!("\n## {} ({})", db.describe(), obryl::store::db_redact(url));

    // First screen of each tab and view with a remembered login: resume + first query + first
    // frame.
    for tab in TabId::EVERY.iter().copied() {
        let mut samples = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let resumed = auth::resume(&db, &token).await.unwrap();
            let mut r = rig(&db, resumed.clone(), tab).await;
            r.app.start_session(resumed);
            r.settle().await;
            samples.push(ms(started.elapsed()));
        }
        println!(
            "first screen {:<12} median {:>7.1} ms  max {:>7.1} ms",
            tab.key(),
            percentile(samples.clone(), 0.5),
            percentile(samples, 1.0)
        );
    }

    let resumed = auth::resume(&db, &token).await.unwrap();
    let mut r = rig(&db, resumed.clone(), TabId::Audit).await;
    r.app.start_session(resumed);
    r.settle().await;
    r.sink.take();

    // Page-down through the audit log (keyset pages fetched ahead as the window slides).
    page_down(&mut r, "audit").await;

    // One line down within the page (from the top): only the old and new cursor rows and the
    // position counter change. At the page's last row a line down scrolls every row instead.
    r.key(KeyCode::Home).await;
    r.sink.take();
    let (mut times, mut bytes) = (Vec::new(), Vec::new());
    for _ in 0..30 {
        let t = Instant::now();
        r.key(KeyCode::Down).await;
        times.push(ms(t.elapsed()));
        bytes.push(r.sink.take() as f64);
    }
    println!(
        "audit line-down (j)    median {:>7.2} ms  max {:>7.2} ms  bytes/frame median {:.0} max {:.0}",
        percentile(times.clone(), 0.5),
        percentile(times, 1.0),
        percentile(bytes.clone(), 0.5),
        percentile(bytes, 1.0)
    );

    jump_to_last(&mut r, "audit").await;

    // The referral views the same way: codes (with their referred and flagged counts) and
    // rewards, newest first.
    for view in [TabId::Referrals, TabId::Rewards] {
        r.app.visit(view);
        r.settle().await;
        r.key(KeyCode::Home).await;
        r.sink.take();
        page_down(&mut r, view.key()).await;
        jump_to_last(&mut r, view.key()).await;
    }
    r.app.switch_tab(TabId::Audit);
    r.settle().await;

    for filter in [
        "user:awa",
        "from:2026-06-01 to:2026-06-07",
        "type:commission event:approved",
    ] {
        let mut samples = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            r.app.apply_filter(filter.to_owned());
            r.settle().await;
            samples.push(ms(t.elapsed()));
        }
        let rows = r.app.screens.audit.list.rows.len();
        println!(
            "audit filter {:<32} median {:>7.1} ms ({} rows on screen)",
            format!("\"{filter}\""),
            percentile(samples, 0.5),
            rows
        );
    }

    // The views' filters: people (50 k users) and reviews, first matching screen.
    for (tab, filter) in [
        (TabId::Users, "role:support"),
        (TabId::Users, "role:developer"),
        (TabId::Users, "koffi"),
        (TabId::Users, "type:developer availability:busy"),
        (TabId::Users, "payout:wave koffi"),
        (TabId::Reviews, "hidden"),
        (TabId::Reviews, "rating:1"),
        (TabId::Reviews, "user:awa"),
    ] {
        r.app.visit(tab);
        r.settle().await;
        let mut samples = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            r.app.apply_filter(filter.to_owned());
            r.settle().await;
            samples.push(ms(t.elapsed()));
        }
        println!(
            "{:<7} filter {:<34} median {:>7.1} ms",
            tab.key(),
            format!("\"{filter}\""),
            percentile(samples, 0.5),
        );
    }

    // Approve round trip: key press -> committed -> list and detail redrawn.
    r.app.switch_tab(TabId::Commissions);
    r.settle().await;
    let mut approvals = Vec::new();
    for _ in 0..5 {
        let before = r.app.screens.commissions.list.rows.len();
        if before == 0 {
            break;
        }
        // Skip rows that need a second approver: their first approval also round-trips.
        let t = Instant::now();
        r.app
            .handle_key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE));
        r.app
            .handle_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
        r.settle().await;
        approvals.push(ms(t.elapsed()));
    }
    if !approvals.is_empty() {
        println!(
            "approve round trip     median {:>7.2} ms  max {:>7.2} ms ({} approvals)",
            percentile(approvals.clone(), 0.5),
            percentile(approvals.clone(), 1.0),
            approvals.len()
        );
    }
    // Release round trip on the Escrow view: R, an amount, Enter, the confirmation, y ->
    // committed -> list and detail redrawn. Small amounts: each escrow stays releasable.
    r.app.switch_tab(TabId::Escrow);
    r.settle().await;
    let mut releases = Vec::new();
    let held = obryl::store::escrows::Filter {
        statuses: vec!["held".into(), "partially_released".into()],
        currencies: vec!["XOF".into()],
        ..Default::default()
    };
    r.app.screens.escrow.filter = held;
    r.app.refresh_tab(TabId::Escrow);
    r.settle().await;
    for _ in 0..5 {
        let Some(row) = r.app.screens.escrow.list.current().cloned() else {
            break;
        };
        if !matches!(
            row.project_status.as_str(),
            "in_progress" | "delivered" | "completed"
        ) {
            r.key(KeyCode::Down).await;
            continue;
        }
        let t = Instant::now();
        for c in "R1000".chars() {
            r.app
                .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        r.app
            .handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        r.settle().await;
        r.app
            .handle_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
        r.settle().await;
        releases.push(ms(t.elapsed()));
    }
    if !releases.is_empty() {
        println!(
            "release round trip     median {:>7.2} ms  max {:>7.2} ms ({} releases)",
            percentile(releases.clone(), 0.5),
            percentile(releases.clone(), 1.0),
            releases.len()
        );
    }
    // Refund round trip: F, an amount, Enter, the confirmation with the parts, y, the reason,
    // ctrl-s -> committed -> list and detail redrawn.
    let mut refunds = Vec::new();
    for _ in 0..5 {
        if r.app.screens.escrow.list.current().is_none() {
            break;
        }
        let t = Instant::now();
        for c in "F500".chars() {
            r.app
                .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        r.app
            .handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        r.settle().await;
        r.app
            .handle_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
        r.settle().await;
        for c in "goodwill".chars() {
            r.app
                .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        r.app
            .handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        r.settle().await;
        let done = r
            .app
            .toast
            .as_ref()
            .is_some_and(|t| t.level != Level::Error);
        assert!(
            done,
            "the refund went through: {:?}",
            r.app.toast.as_ref().map(|t| &t.text)
        );
        refunds.push(ms(t.elapsed()));
    }
    if !refunds.is_empty() {
        println!(
            "refund round trip      median {:>7.2} ms  max {:>7.2} ms ({} refunds)",
            percentile(refunds.clone(), 0.5),
            percentile(refunds.clone(), 1.0),
            refunds.len()
        );
    }

    // The whole ledger verified, and a provider statement of 10 000 lines reconciled.
    let t = Instant::now();
    let report = obryl::office::escrow::verify(&mut db.clone())
        .await
        .unwrap();
    let accounts = obryl::store::ledger::accounts(&mut db.clone())
        .await
        .map(|a| a.len())
        .unwrap_or_default();
    println!(
        "ledger verify          {:>7.0} ms ({} checks, {} discrepancies, {} accounts)",
        ms(t.elapsed()),
        report.checks.len(),
        report.discrepancies.len(),
        accounts
    );
    let wave = obryl::store::payments::succeeded_between(
        &mut db.clone(),
        "wave",
        chrono::DateTime::from_timestamp(946_684_800, 0).unwrap_or_default(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    if !wave.is_empty() {
        let lines: Vec<_> = wave
            .iter()
            .cycle()
            .take(10_000)
            .enumerate()
            .map(|(k, p)| {
                (
                    if k < wave.len() {
                        p.provider_reference.clone()
                    } else {
                        format!("wave_extra_{k}")
                    },
                    p.created_at.unwrap_or_default(),
                    p.amount,
                    obryl::domain::Currency::parse(&p.currency).unwrap(),
                    "succeeded".to_owned(),
                )
            })
            .collect();
        let format = obryl::domain::statement::format_of("wave").unwrap();
        let text = obryl::domain::statement::write(format, &lines);
        let t = Instant::now();
        let report = obryl::office::reconcile::reconcile(&mut db.clone(), "wave", &text)
            .await
            .unwrap();
        println!(
            "statement of 10 000 lines reconciled {:>7.0} ms ({} matched)",
            ms(t.elapsed()),
            report.count(&obryl::office::reconcile::Outcome::Matched)
        );
    }
    println!(
        "peak RSS of the harness process: {:.1} MiB",
        peak_rss_kib() as f64 / 1024.0
    );
    db.close().await;
}

/// The sanitiser on a megabyte of hostile text (escape sequences, bidi controls, wide
/// characters), then on a megabyte of lone ESC and an unterminated CSI: one pass each.
fn sanitiser() {
    let chunk = "Fatou Ndiaye \x1b[1;31mURGENT\x1b[0m \x1b]0;t\x07 é北👍\u{202e}\n";
    let inputs = [
        ("hostile text", chunk.repeat(1_048_576 / chunk.len() + 1)),
        ("lone ESC", "\x1b".repeat(1_048_576)),
        ("open CSI", format!("\x1b[{}", "1;".repeat(500_000))),
    ];
    for (what, input) in inputs {
        let mut samples = Vec::new();
        for _ in 0..7 {
            let t = Instant::now();
            let out = obryl::domain::sanitize(std::hint::black_box(&input));
            samples.push(ms(t.elapsed()));
            std::hint::black_box(out);
        }
        println!(
            "sanitise 1 MB {what:<13} median {:>7.1} ms  max {:>7.1} ms",
            percentile(samples.clone(), 0.5),
            percentile(samples, 1.0)
        );
    }
}

fn main() {
    let urls: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    sanitiser();
    if urls.is_empty() {
        eprintln!("usage: cargo bench --bench tui -- DATABASE_URL [DATABASE_URL ...]");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // OBRYL_BENCH_ONLY=media measures the media queue alone.
    let only_media = std::env::var("OBRYL_BENCH_ONLY").is_ok_and(|v| v == "media");
    for url in urls {
        if !only_media {
            rt.block_on(bench(&url));
        }
        rt.block_on(media(&url));
    }
}
