//! Key storms: random sequences of bound keys, random characters, editing and navigation keys,
//! pastes, mouse events and resizes (down to 1×1), on every tab, with data answers handed in
//! between some keys and a draw after every step. Nothing may panic, whatever the order.
//!
//! The demo database is seeded once per process; every case works on its own copy, so a
//! failing case replays identically when proptest shrinks it.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::ui::{Harness, demo_db, pump, render_buffer};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use obryl::domain::Locale;
use obryl::ui::keymap::{Key, KeyCodeRepr, default_keys};
use obryl::ui::screens::TabId;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// One runtime for every case: the data task runs on its workers.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

#[derive(Clone, Debug)]
enum Op {
    Key(KeyCode, KeyModifiers),
    /// Typed text (each character a key): filters, palette commands, reasons.
    Type(&'static str),
    Paste(String),
    /// Hand every pending data answer to the app.
    Pump,
    Resize(u16, u16),
    Mouse(MouseEventKind, u16, u16),
}

/// Every key the default keymap binds (read from it, so new bindings are stormed too), plus
/// the confirm answers.
fn bound_keys() -> Vec<KeyEvent> {
    let mut keys: Vec<KeyEvent> = default_keys()
        .into_iter()
        .filter_map(Key::parse)
        .map(|k| {
            let code = match k.code {
                KeyCodeRepr::Char(c) => KeyCode::Char(c),
                KeyCodeRepr::Enter => KeyCode::Enter,
                KeyCodeRepr::Esc => KeyCode::Esc,
                KeyCodeRepr::Tab => KeyCode::Tab,
                KeyCodeRepr::BackTab => KeyCode::BackTab,
                KeyCodeRepr::Up => KeyCode::Up,
                KeyCodeRepr::Down => KeyCode::Down,
                KeyCodeRepr::Left => KeyCode::Left,
                KeyCodeRepr::Right => KeyCode::Right,
                KeyCodeRepr::PageUp => KeyCode::PageUp,
                KeyCodeRepr::PageDown => KeyCode::PageDown,
                KeyCodeRepr::Home => KeyCode::Home,
                KeyCodeRepr::End => KeyCode::End,
                KeyCodeRepr::F(n) => KeyCode::F(n),
            };
            let modifiers = if k.ctrl {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::NONE
            };
            KeyEvent::new(code, modifiers)
        })
        .collect();
    keys.extend(
        "yYoOnN"
            .chars()
            .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    );
    assert!(keys.len() > 40, "the default keymap binds many keys");
    keys
}

const SPECIAL: &[KeyCode] = &[
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::Backspace,
    KeyCode::Delete,
    KeyCode::F(1),
    KeyCode::Insert,
];

/// Sequences that reach deeper states than random characters would.
const TYPED: &[&str] = &[
    "/status:all\n",
    "/status:approved\n",
    "/status:paid external\n",
    "/mine overdue\n",
    "/breached unassigned\n",
    "/type:commission id:1\n",
    "/week:52\n",
    "/from:2026-01-01 to:2026-12-31\n",
    "/min:100000 max:5 currency:xof\n",
    "/Facture\n",
    ":theme light\n",
    ":theme high-contrast\n",
    ":theme nope\n",
    ":lang fr\n",
    ":lang en\n",
    ":audit user awa\n",
    ":audit commission 3\n",
    ":follow\n",
    ":settings\n",
    ":users type:developer\n",
    ":reviews hidden rating:1,2\n",
    "/role:support deleted\n",
    "Hhors sujet\n",
    ":refresh\n",
    ":help\n",
    ":tick\t\n",
    ":nonsense\n",
    "r\u{1b}[31mrefus\n",
];

fn ctrl_keys() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Char('u'), KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Char('r'), KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Char('w'), KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Char('a'), KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Char('e'), KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Char('z'), KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Enter, KeyModifiers::ALT)),
        Just(Op::Key(KeyCode::Enter, KeyModifiers::CONTROL)),
        Just(Op::Key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
    ]
}

fn size() -> impl Strategy<Value = (u16, u16)> {
    prop_oneof![
        4 => (60u16..=220, 15u16..=70),
        1 => (1u16..=80, 1u16..=20),
        1 => Just((20, 5)),
        1 => Just((1, 1)),
        1 => Just((80, 24)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => proptest::sample::select(bound_keys()).prop_map(|k| Op::Key(k.code, k.modifiers)),
        4 => any::<char>().prop_map(|c| Op::Key(KeyCode::Char(c), KeyModifiers::NONE)),
        8 => proptest::sample::select(SPECIAL).prop_map(|k| Op::Key(k, KeyModifiers::NONE)),
        2 => ctrl_keys(),
        2 => proptest::sample::select(TYPED).prop_map(Op::Type),
        1 => "[a-zé日💸\u{1b}\u{202e}\n\t ]{0,40}".prop_map(Op::Paste),
        6 => Just(Op::Pump),
        2 => size().prop_map(|(w, h)| Op::Resize(w, h)),
        1 => (
            prop_oneof![
                Just(MouseEventKind::ScrollDown),
                Just(MouseEventKind::ScrollUp),
                Just(MouseEventKind::Down(MouseButton::Left)),
                Just(MouseEventKind::Moved),
            ],
            0u16..230,
            0u16..80
        )
            .prop_map(|(k, x, y)| Op::Mouse(k, x, y)),
    ]
}

/// Runs `ops` as `email` on `tab`, or on the login screen when `email` is "".
async fn storm(email: &str, tab: TabId, locale: Locale, ops: Vec<Op>) {
    let (db, _dir) = demo_db().await;
    let n = ops.len();
    let mut h = if email.is_empty() {
        Harness::login_screen(&db, locale).await
    } else {
        Harness::new(&db, email, locale, tab).await
    };
    let (mut w, mut rows) = (120u16, 40u16);
    for op in ops {
        match op {
            Op::Key(code, modifiers) => h
                .app
                .handle_event(Event::Key(KeyEvent::new(code, modifiers))),
            Op::Type(text) => {
                for c in text.chars() {
                    let code = match c {
                        '\n' => KeyCode::Enter,
                        '\t' => KeyCode::Tab,
                        '\u{1b}' => KeyCode::Esc,
                        c => KeyCode::Char(c),
                    };
                    h.app
                        .handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
                    render_buffer(&mut h.app, w, rows);
                }
            }
            Op::Paste(text) => h.app.handle_event(Event::Paste(text)),
            Op::Pump => pump(&mut h.app, &mut h.rx, Some((w, rows))).await,
            Op::Resize(nw, nh) => {
                (w, rows) = (nw, nh);
                h.app.handle_event(Event::Resize(nw, nh));
            }
            Op::Mouse(kind, column, row) => {
                h.app.handle_event(Event::Mouse(MouseEvent {
                    kind,
                    column,
                    row,
                    modifiers: KeyModifiers::NONE,
                }));
            }
        }
        // The real program would exit here; the state must stay drawable all the same.
        h.app.take_requests();
        // A few answers arrive between keys, as they would while someone types.
        while let Ok(ev) = h.rx.try_recv() {
            h.app.on_app_event(ev);
        }
        h.app.on_tick(h.app.now);
        render_buffer(&mut h.app, w, rows);
    }
    // A login still being checked answers before the end.
    let deadline = Instant::now() + Duration::from_secs(30);
    while h.app.login.as_ref().is_some_and(|l| l.busy) {
        assert!(Instant::now() < deadline, "the login was never answered");
        if let Ok(Some(ev)) = tokio::time::timeout(Duration::from_millis(100), h.rx.recv()).await {
            h.app.on_app_event(ev);
        }
    }
    pump(&mut h.app, &mut h.rx, Some((w, rows))).await;
    render_buffer(&mut h.app, w, rows);
    if std::env::var_os("KEYSTORM_VERBOSE").is_some() {
        let app = &h.app;
        eprintln!(
            "{email} {locale:?} {tab:?}→{:?} {n} ops; logged in: {}; popup open: {}; detail: {}; toast: {:?}; last error: {:?}",
            app.tab,
            app.session.actor.as_ref().map_or("no", |a| a.name.as_str()),
            app.popup.is_some(),
            app.detail_focus,
            app.toast.as_ref().map(|t| (t.level, t.text.clone())),
            app.last_error,
        );
    }
    drop(h);
    db.close().await;
}

/// `KEYSTORM_CASES=N` runs N cases per tab instead (a longer hunt).
fn run_storms(tab: TabId, cases: u32) {
    let cases = std::env::var("KEYSTORM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    let started = Instant::now();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        proptest::sample::select(
            &[
                "finance@obryl.test",
                "support@obryl.test",
                "admin@obryl.test",
                "editor@obryl.test",
            ][..],
        ),
        prop_oneof![Just(Locale::En), Just(Locale::Fr)],
        proptest::collection::vec(op(), 0..200),
    );
    let ran = std::cell::Cell::new(0u32);
    runner
        .run(&strategy, |(email, locale, ops)| {
            runtime().block_on(storm(email, tab, locale, ops));
            ran.set(ran.get() + 1);
            Ok(())
        })
        .unwrap();
    // How long they took is worth seeing, not asserting (a loaded machine is not a bug).
    eprintln!("{tab:?}: {cases} storms in {:?}", started.elapsed());
    assert!(
        ran.get() >= cases,
        "only {} of {cases} storms ran to the end",
        ran.get()
    );
}

/// Keys for the login screen: its fields, the demo accounts, and everything else.
fn login_op() -> impl Strategy<Value = Op> {
    const LOGIN: &[&str] = &[
        "finance@obryl.test",
        "demo",
        "support@obryl.test\tdemo\n",
        "nobody@obryl.test\tx\n",
        "\t\t \t",
    ];
    prop_oneof![
        4 => op(),
        2 => proptest::sample::select(LOGIN).prop_map(Op::Type),
    ]
}

#[test]
fn storms_on_the_login_screen() {
    let cases = std::env::var("KEYSTORM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let started = Instant::now();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        prop_oneof![Just(Locale::En), Just(Locale::Fr)],
        proptest::collection::vec(login_op(), 0..120),
    );
    runner
        .run(&strategy, |(locale, ops)| {
            runtime().block_on(storm("", TabId::Projects, locale, ops));
            Ok(())
        })
        .unwrap();
    eprintln!("login: {cases} storms in {:?}", started.elapsed());
}

#[test]
fn storms_on_projects() {
    run_storms(TabId::Projects, 13);
}

#[test]
fn storms_on_commissions() {
    run_storms(TabId::Commissions, 13);
}

#[test]
fn storms_on_workload() {
    run_storms(TabId::Workload, 13);
}

#[test]
fn storms_on_tickets() {
    run_storms(TabId::Tickets, 13);
}

#[test]
fn storms_on_audit() {
    run_storms(TabId::Audit, 13);
}

#[test]
fn storms_on_the_users_view() {
    run_storms(TabId::Users, 13);
}

#[test]
fn storms_on_the_reviews_view() {
    run_storms(TabId::Reviews, 13);
}
