//! The real program in a real pseudo-terminal (120×40): first run (demo database created with a
//! progress line, login screen), logging in, every tab, a filter, quitting cleanly (alternate
//! screen left, cursor shown, exit 0); then a second run that opens straight in thanks to the
//! remembered login. The output is parsed with vt100 and polled, never slept on blindly.
//! And a crash: a panic inside the event loop (made on demand in debug builds) still leaves the
//! terminal usable, with the panic report on the normal screen.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// Generous: a debug build seeds the demo database on the first run.
const FIRST_SCREEN: Duration = Duration::from_secs(120);
const STEP: Duration = Duration::from_secs(20);

/// A running `obryl` in a pseudo-terminal, its whole output collected by a reader thread.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    fn start(home: &Path, data_dir: &Path) -> Session {
        Session::start_with(home, data_dir, &[], &[])
    }

    /// Like `start`, with more arguments and environment variables.
    fn start_with(home: &Path, data_dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_obryl"));
        cmd.arg("--data-dir");
        cmd.arg(data_dir);
        for a in args {
            cmd.arg(a);
        }
        cmd.cwd(home);
        // Only what the test decides: no developer's OBRYL_*, DATABASE_URL, LC_ALL or NO_COLOR.
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join(".config"));
        cmd.env("XDG_DATA_HOME", home.join(".local/share"));
        cmd.env("LANG", "en_US.UTF-8");
        cmd.env("TERM", "xterm-256color");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn obryl");
        // The child holds its own end; ours must close so the reader sees the end.
        drop(pair.slave);
        let mut read = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match read.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.lock().unwrap().extend_from_slice(&buf[..n]),
                }
            }
        });
        Session {
            child,
            writer,
            output,
            reader: Some(reader),
            _master: pair.master,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The screen as a terminal would show it now.
    fn screen(&self) -> vt100::Parser {
        let mut parser = vt100::Parser::new(ROWS, COLS, 0);
        parser.process(&self.bytes());
        parser
    }

    fn text(&self) -> String {
        self.screen().screen().contents()
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Types text one key at a time, as a person would.
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let mut b = [0u8; 4];
            self.send(c.encode_utf8(&mut b).as_bytes());
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Polls the screen until `ok` holds; fails with the screen and the process status.
    fn wait_for(&mut self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let text = self.text();
            if ok(&text) {
                return text;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // One last look: the output may have arrived with the exit.
                std::thread::sleep(Duration::from_millis(200));
                let text = self.text();
                assert!(
                    ok(&text),
                    "obryl exited ({status:?}) before {what}; screen:\n{text}\nraw tail: {:?}",
                    tail(&self.bytes())
                );
                return text;
            }
            if started.elapsed() >= limit {
                panic!("no {what} after {limit:?}; screen:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the process to end; the exit code and the whole output.
    fn finish(mut self, limit: Duration) -> (u32, Vec<u8>) {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if started.elapsed() > limit {
                let _ = self.child.kill();
                panic!(
                    "obryl did not exit within {limit:?}; screen:\n{}",
                    self.text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader ends when the terminal closes; do not hang on it if it does not.
        let reader = self.reader.take().expect("reader");
        let joined = Instant::now();
        while !reader.is_finished() && joined.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        if reader.is_finished() {
            reader.join().expect("reader thread");
        }
        let bytes = self.output.lock().unwrap().clone();
        (status.exit_code(), bytes)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // A failed assertion must not leave the program running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn tail(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(300)..]).into_owned()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The pane title line (third line of the screen) shows `title`.
fn pane_is(text: &str, title: &str) -> bool {
    text.lines()
        .nth(2)
        .is_some_and(|l| l.starts_with(&format!("┌ {title} ")))
}

const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// The end of a clean exit: the alternate screen left, the cursor shown, nothing after that
/// enters the alternate screen or hides the cursor again.
fn assert_restored(bytes: &[u8]) {
    let leave = rfind(bytes, LEAVE_ALT).unwrap_or_else(|| {
        panic!(
            "the alternate screen was never left; tail: {:?}",
            tail(bytes)
        )
    });
    let after = &bytes[leave..];
    assert!(
        find(after, SHOW_CURSOR).is_some(),
        "the cursor is not shown after leaving; tail: {:?}",
        tail(bytes)
    );
    assert!(
        find(after, ENTER_ALT).is_none() && find(after, b"\x1b[?25l").is_none(),
        "re-entered after leaving; tail: {:?}",
        tail(bytes)
    );
    let mut parser = vt100::Parser::new(ROWS, COLS, 0);
    parser.process(bytes);
    assert!(
        !parser.screen().alternate_screen(),
        "still on the alternate screen"
    );
    assert!(!parser.screen().hide_cursor(), "the cursor is still hidden");
}

#[test]
fn first_run_login_tabs_filter_quit_then_remembered_login() {
    let home = tempfile::tempdir().expect("home");
    let data_dir = home.path().join("data");
    let started = Instant::now();

    // --- first run: the demo database is created, then the login screen --------------------
    let mut s = Session::start(home.path(), &data_dir);
    s.wait_for("login screen", FIRST_SCREEN, |t| {
        t.contains("staff login") && t.contains("finance@obryl.test")
    });
    let seeded = started.elapsed();
    let bytes = s.bytes();
    let progress = find(&bytes, b"First run: creating the demo database")
        .expect("a progress line on the first run");
    let alt = find(&bytes, ENTER_ALT).expect("the alternate screen is entered");
    assert!(
        progress < alt,
        "the progress line comes before the alternate screen"
    );
    assert!(
        data_dir.join("obryl.db").exists(),
        "the demo database is in --data-dir"
    );
    assert!(
        !data_dir.join("obryl.db.partial").exists(),
        "no partial database is left"
    );

    s.type_text("finance@obryl.test");
    s.send(b"\t");
    s.type_text("demo");
    s.send(b"\r");
    let text = s.wait_for("Projects tab", STEP, |t| {
        pane_is(t, "Projects") && t.contains("Awa Diop · finance")
    });
    assert!(!text.contains("staff login"));

    for (key, title) in [
        ("2", "Commissions"),
        ("3", "Workload"),
        ("4", "Tickets"),
        ("5", "Audit log"),
    ] {
        s.send(key.as_bytes());
        s.wait_for(title, STEP, |t| pane_is(t, title) && t.lines().count() >= 4);
    }

    // Tab 2, filter: replace the default "status:pending" with "status:approved".
    s.send(b"2");
    let pending = s.wait_for("Commissions again", STEP, |t| {
        pane_is(t, "Commissions") && t.contains("status:pending")
    });
    s.send(b"/");
    s.wait_for("the filter bar", STEP, |t| {
        t.lines()
            .nth(2)
            .is_some_and(|l| l.contains("/status:pending"))
    });
    s.send(b"\x15"); // ctrl-u: clear before the cursor
    s.type_text("status:approved");
    s.send(b"\r");
    let approved = s.wait_for("approved commissions", STEP, |t| {
        t.lines()
            .nth(1)
            .is_some_and(|l| l.contains("filter: status:approved"))
            && pane_is(t, "Commissions")
            && t.contains(" approved")
    });
    assert_ne!(pending, approved, "the filter changed the screen");
    assert!(
        !approved.lines().skip(3).any(|l| l.contains(" pending ")),
        "only approved rows:\n{approved}"
    );

    // The login is remembered by the time we leave (written in the background after login).
    let token = data_dir.join("session.token");
    let waited = Instant::now();
    while !token.exists() && waited.elapsed() < STEP {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(token.exists(), "the remembered login was saved");

    s.send(b"q");
    let quit_at = Instant::now();
    // A generous wait for the exit (it fails if the program hangs); how long it took is only
    // reported below.
    let (code, bytes) = s.finish(STEP);
    let quit_took = quit_at.elapsed();
    assert_eq!(code, 0, "exit code; tail: {:?}", tail(&bytes));
    assert_restored(&bytes);

    // --- second run: straight into the main screens -----------------------------------------
    let second = Instant::now();
    let mut s = Session::start(home.path(), &data_dir);
    let text = s.wait_for("main screens", STEP, |t| {
        pane_is(t, "Projects") && t.contains("Awa Diop · finance")
    });
    assert!(!text.contains("staff login"));
    let bytes = s.bytes();
    assert!(find(&bytes, b"First run").is_none(), "no second seeding");
    assert!(
        find(&bytes, b"staff login").is_none(),
        "the login screen was never drawn"
    );
    s.send(b"q");
    let (code, bytes) = s.finish(STEP);
    assert_eq!(code, 0, "exit code; tail: {:?}", tail(&bytes));
    assert_restored(&bytes);
    eprintln!(
        "first screen after {seeded:?}, first run {:?} in all, quit in {quit_took:?}, second run {:?}",
        second - started,
        second.elapsed()
    );
}

/// Mouse capture on (crossterm enables these modes) and off again.
const MOUSE_ON: &[u8] = b"\x1b[?1000h";
const MOUSE_OFF: &[u8] = b"\x1b[?1000l";
/// The debug-build key that panics inside the event loop (see `ui/input.rs`).
const PANIC_KEY: &str = "~";

#[test]
fn a_panic_in_the_event_loop_restores_the_terminal_and_shows_the_report() {
    let home = tempfile::tempdir().expect("home");
    let data_dir = home.path().join("data");
    // An empty migrated database is enough for the login screen (no demo to seed).
    let db = home.path().join("empty.db");
    let url = format!("sqlite://{}", db.display());
    let migrate = std::process::Command::new(env!("CARGO_BIN_EXE_obryl"))
        .args(["--database-url", &url, "--data-dir"])
        .arg(&data_dir)
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env_remove("OBRYL_DATABASE_URL")
        .output()
        .expect("run obryl migrate");
    assert!(migrate.status.success(), "{migrate:?}");

    let mut s = Session::start_with(
        home.path(),
        &data_dir,
        &["--database-url", &url],
        &[("OBRYL_DEBUG_PANIC_KEY", PANIC_KEY)],
    );
    s.wait_for("login screen", STEP, |t| t.contains("staff login"));
    let before = s.screen();
    assert!(
        before.screen().alternate_screen(),
        "the TUI is on the alternate screen"
    );
    assert_ne!(
        before.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse capture is on (the default), so it has to be turned off again"
    );
    assert!(before.screen().bracketed_paste());
    let entered = s.bytes().len();
    assert!(find(&s.bytes(), MOUSE_ON).is_some());

    s.send(PANIC_KEY.as_bytes());
    let (code, bytes) = s.finish(STEP);
    assert_ne!(code, 0, "a panic is a failure; tail: {:?}", tail(&bytes));
    eprintln!("exit code after the panic: {code}");

    // Everything the program turned on is turned off after the panic, in the bytes written
    // after the key, and nothing turns it back on.
    let after_key = &bytes[entered..];
    let leave = find(after_key, LEAVE_ALT).unwrap_or_else(|| {
        panic!(
            "the alternate screen was never left; tail: {:?}",
            tail(&bytes)
        )
    });
    assert!(
        find(after_key, MOUSE_OFF).is_some(),
        "mouse capture stays on; tail: {:?}",
        tail(&bytes)
    );
    assert!(
        find(after_key, SHOW_CURSOR).is_some(),
        "the cursor stays hidden; tail: {:?}",
        tail(&bytes)
    );
    assert!(
        find(after_key, b"\x1b[?2004l").is_some(),
        "bracketed paste stays on; tail: {:?}",
        tail(&bytes)
    );
    let restored = &after_key[leave..];
    for again in [ENTER_ALT, MOUSE_ON, b"\x1b[?25l".as_slice()] {
        assert!(
            find(restored, again).is_none(),
            "{:?} written again after leaving; tail: {:?}",
            String::from_utf8_lossy(again),
            tail(&bytes)
        );
    }
    // Left only once: a second "leave" would make xterm restore the cursor saved on entry, and
    // the shell prompt would overwrite the report.
    assert_eq!(
        find(&restored[LEAVE_ALT.len()..], LEAVE_ALT),
        None,
        "the alternate screen is left twice; tail: {:?}",
        tail(&bytes)
    );

    // The report is printed after leaving, so it is on the normal screen for the user to read.
    assert!(
        find(restored, b"deliberate panic on key").is_some(),
        "no panic report after leaving the alternate screen; tail: {:?}",
        tail(&bytes)
    );
    let mut parser = vt100::Parser::new(ROWS, COLS, 0);
    parser.process(&bytes);
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "still on the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is still hidden");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse capture is still on"
    );
    assert!(!screen.bracketed_paste(), "bracketed paste is still on");
    let text = screen.contents();
    assert!(
        text.contains("deliberate panic on key '~'"),
        "the panic message is on the normal screen:\n{text}"
    );
    assert!(
        !text.contains("staff login"),
        "the TUI's screen is gone:\n{text}"
    );
}
