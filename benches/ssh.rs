//! Load harness for the back-office served over SSH (not a test): many staff sessions at once
//! on the loopback, each paging through a list at a steady pace, timed from each key to the
//! first bytes that change its screen.
//!
//! The server is the real release binary (`obryl serve --ssh`) in a child process, so its
//! memory (`VmRSS`) and CPU time (`utime + stime`) are read from `/proc/PID` apart from the
//! clients'. The clients are russh sessions in this process, each feeding what it receives
//! into a `vt100` screen of 120×40.
//!
//! Usage: cargo bench --bench ssh -- [--sessions N] [--seconds S] [--idle S] [--binary PATH]
//!        [--show] [DATABASE_URL]
//! (`--show` prints each staff member's first screen to stderr; the binary defaults to the
//! one cargo builds beside the bench, target/release/obryl.)
//! Default database: /tmp/large.db when it exists, else a demo database seeded into a temporary
//! directory. Before the server starts, one Ed25519 key per demo staff member is registered
//! with `obryl user key add` (the operator's path); they are revoked after the run on a
//! database that outlives it.
//!
//! Phases: the server alone (1 s); every session connects, authenticates, opens a pty and its
//! shell, and waits for a first screen that stays quiet 500 ms; all sit idle (`--idle`, 10 s),
//! which gives the server's memory per session and its idle CPU; then each sends one key every
//! 200 ms for `--seconds` (20 s), starting at a random phase: `j j PgDn j PgDn G k k PgUp g`,
//! so every key moves the selection. A key whose screen has not changed within 2 s is a
//! timeout, and the next key waits for it.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use hdrhistogram::Histogram;
use rand::{Rng, RngCore};
use russh::ChannelMsg;
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{HashAlg, PrivateKey, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// The seeded staff members (`seed --size demo` and `--size large` both create them).
const STAFF: [&str; 7] = [
    "admin@obryl.test",
    "finance@obryl.test",
    "finance2@obryl.test",
    "support@obryl.test",
    "support2@obryl.test",
    "editor@obryl.test",
    "ops@obryl.test",
];

const COLUMNS: u16 = 120;
const ROWS: u16 = 40;
/// One key per session every …
const PACE: Duration = Duration::from_millis(200);
/// A key whose frame has not come within this is a timeout.
const TIMEOUT: Duration = Duration::from_secs(2);
/// A first screen is complete once nothing more came for this long.
const QUIET: Duration = Duration::from_millis(500);

/// The keys each session sends in turn, and what kind of move each is.
const KEYS: [(&[u8], Kind); 10] = [
    (b"j", Kind::Line),
    (b"j", Kind::Line),
    (b"\x1b[6~", Kind::Page),
    (b"j", Kind::Line),
    (b"\x1b[6~", Kind::Page),
    (b"G", Kind::Jump),
    (b"k", Kind::Line),
    (b"k", Kind::Line),
    (b"\x1b[5~", Kind::Page),
    (b"g", Kind::Jump),
];

#[derive(Clone, Copy)]
enum Kind {
    Line,
    Page,
    Jump,
}

/// What the harness tells every session.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    /// Sessions are opening.
    Opening,
    /// Everyone open: sit still, counting what the server sends.
    Idle,
    /// Page from the first instant until the second.
    Paging(Instant, Instant),
    /// Close.
    Done,
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 120_000_000, 3).expect("bounds")
}

/// One session's results.
struct Tally {
    connected: Duration,
    first_bytes: Duration,
    first_screen: Duration,
    idle_bytes: usize,
    all: Histogram<u64>,
    by_kind: [Histogram<u64>; 3],
    keys: u64,
    timeouts: u64,
    bytes: usize,
    error: Option<String>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            connected: Duration::ZERO,
            first_bytes: Duration::ZERO,
            first_screen: Duration::ZERO,
            idle_bytes: 0,
            all: histogram(),
            by_kind: [histogram(), histogram(), histogram()],
            keys: 0,
            timeouts: 0,
            bytes: 0,
            error: None,
        }
    }
}

enum Report {
    /// The first screen is complete (or the session failed to get there).
    Ready(Result<(), String>),
    /// The paging window is over for session `.0`.
    Paged(usize),
    /// Session `.0` closed (only sessions that got their first screen say so).
    Finished(usize, Box<Tally>),
}

struct Client;

impl russh::client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        // A server this harness just started on the loopback.
        Ok(true)
    }
}

fn new_key() -> PrivateKey {
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    PrivateKey::from(Ed25519Keypair::from_seed(&seed))
}

/// One staff session, from the TCP connect to its close, following the harness's phases.
async fn session(
    id: usize,
    addr: SocketAddr,
    email: &'static str,
    key: Arc<PrivateKey>,
    mut phase: watch::Receiver<Phase>,
    report: mpsc::UnboundedSender<Report>,
    screen_dump: bool,
) {
    let mut tally = Tally::new();
    let started = Instant::now();
    let opened = async {
        let config = russh::client::Config {
            nodelay: true,
            ..Default::default()
        };
        let mut handle = russh::client::connect(Arc::new(config), addr, Client)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let auth = handle
            .authenticate_publickey(email, PrivateKeyWithHashAlg::new(key, None))
            .await
            .map_err(|e| format!("authenticate: {e}"))?;
        if !auth.success() {
            return Err("key refused".to_owned());
        }
        let channel = handle
            .channel_open_session()
            .await
            .map_err(|e| format!("channel: {e}"))?;
        channel
            .request_pty(
                false,
                "xterm-256color",
                u32::from(COLUMNS),
                u32::from(ROWS),
                0,
                0,
                &[],
            )
            .await
            .map_err(|e| format!("pty: {e}"))?;
        channel
            .request_shell(false)
            .await
            .map_err(|e| format!("shell: {e}"))?;
        Ok((handle, channel))
    };
    let (handle, mut channel) = match opened.await {
        Ok(pair) => pair,
        Err(e) => {
            let _ = report.send(Report::Ready(Err(e)));
            return;
        }
    };
    tally.connected = started.elapsed();
    let mut parser = vt100::Parser::new(ROWS, COLUMNS, 0);

    // The first screen: data, then QUIET with none, within 20 s.
    let mut last_data: Option<Instant> = None;
    let give_up = started + Duration::from_secs(20);
    let ready = loop {
        let wake = last_data.map_or(give_up, |t| (t + QUIET).min(give_up));
        tokio::select! {
            msg = channel.wait() => match msg {
                Some(ChannelMsg::Data { data }) => {
                    parser.process(&data);
                    if last_data.is_none() {
                        tally.first_bytes = started.elapsed();
                    }
                    last_data = Some(Instant::now());
                }
                Some(ChannelMsg::Eof | ChannelMsg::Close | ChannelMsg::ExitStatus { .. }) | None => {
                    break Err(format!("closed before the first screen: {:?}", last_line(&parser)));
                }
                Some(_) => {}
            },
            _ = tokio::time::sleep_until(wake) => match last_data {
                Some(t) => {
                    tally.first_screen = t - started;
                    break Ok(());
                }
                None => break Err("no first screen within 20 s".to_owned()),
            },
        }
    };
    if screen_dump {
        eprintln!(
            "--- {email}, first screen ---\n{}",
            parser.screen().contents()
        );
    }
    let failed = ready.is_err();
    let _ = report.send(Report::Ready(ready));
    if failed {
        return;
    }

    // Idle until told to page, counting what comes meanwhile.
    let window = loop {
        let now = *phase.borrow_and_update();
        match now {
            Phase::Paging(start, end) => break Some((start, end)),
            Phase::Done => break None,
            Phase::Opening | Phase::Idle => {}
        }
        tokio::select! {
            changed = phase.changed() => if changed.is_err() { break None },
            msg = channel.wait() => match msg {
                Some(ChannelMsg::Data { data }) => {
                    parser.process(&data);
                    if now == Phase::Idle {
                        tally.idle_bytes += data.len();
                    }
                }
                Some(ChannelMsg::Eof | ChannelMsg::Close | ChannelMsg::ExitStatus { .. }) | None => {
                    tally.error = Some(format!("closed while idle: {:?}", last_line(&parser)));
                    break None;
                }
                Some(_) => {}
            },
        }
    };

    if let Some(window) = window {
        if let Err(e) = page(&mut channel, &mut parser, &mut tally, window).await {
            tally.error = Some(e);
        }
        let _ = report.send(Report::Paged(id));
        // Open (and reading) until told to close.
        while *phase.borrow_and_update() != Phase::Done {
            tokio::select! {
                changed = phase.changed() => if changed.is_err() { break },
                msg = channel.wait() => match msg {
                    Some(ChannelMsg::Data { data }) => parser.process(&data),
                    Some(_) => {}
                    None => break,
                },
            }
        }
    }
    let _ = channel.eof().await;
    let _ = handle
        .disconnect(russh::Disconnect::ByApplication, "", "en")
        .await;
    let _ = report.send(Report::Finished(id, Box::new(tally)));
}

/// The screen's last non-blank line (where the back-office says why it closed).
fn last_line(parser: &vt100::Parser) -> String {
    parser
        .screen()
        .contents()
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Sends one key every PACE from `start` plus a random phase until `end`, each once the
/// previous one's frame came (or timed out); ticks missed meanwhile are skipped.
async fn page(
    channel: &mut russh::Channel<russh::client::Msg>,
    parser: &mut vt100::Parser,
    tally: &mut Tally,
    (start, end): (Instant, Instant),
) -> Result<(), String> {
    let offset = rand::rng().random_range(0..PACE.as_micros() as u64);
    let mut next_at = start + Duration::from_micros(offset);
    let mut turn = 0usize;
    // The key in flight: when it was sent, its kind, the screen before it.
    let mut pending: Option<(Instant, Kind, vt100::Screen)> = None;
    loop {
        let wake = match &pending {
            Some((sent, _, _)) => *sent + TIMEOUT,
            None if next_at >= end => return Ok(()),
            None => next_at,
        };
        tokio::select! {
            msg = channel.wait() => match msg {
                Some(ChannelMsg::Data { data }) => {
                    tally.bytes += data.len();
                    parser.process(&data);
                    if let Some((sent, kind, before)) = &pending
                        && !parser.screen().contents_diff(before).is_empty()
                    {
                        let took = sent.elapsed().as_micros() as u64;
                        tally.all.saturating_record(took);
                        tally.by_kind[*kind as usize].saturating_record(took);
                        pending = None;
                        let now = Instant::now();
                        while next_at <= now {
                            next_at += PACE;
                        }
                    }
                }
                Some(ChannelMsg::Eof | ChannelMsg::Close | ChannelMsg::ExitStatus { .. }) | None => {
                    return Err(format!("closed while paging: {:?}", last_line(parser)));
                }
                Some(_) => {}
            },
            _ = tokio::time::sleep_until(wake) => {
                let now = Instant::now();
                if pending.is_some() {
                    tally.timeouts += 1;
                    pending = None;
                    while next_at <= now {
                        next_at += PACE;
                    }
                    continue;
                }
                let (bytes, kind) = KEYS[turn % KEYS.len()];
                turn += 1;
                let before = parser.screen().clone();
                let sent = Instant::now();
                channel
                    .data(bytes)
                    .await
                    .map_err(|e| format!("send: {e}"))?;
                tally.keys += 1;
                pending = Some((sent, kind, before));
                next_at += PACE;
            }
        }
    }
}

/// The server process's resident memory (kB) and CPU time (ticks, user + system).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status_field(&status, "VmRSS:")
}

fn hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status_field(&status, "VmHWM:")
}

fn status_field(status: &str, name: &str) -> u64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis start at field 3 (state); utime and
    // stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> u64 { fields.get(n - 3).and_then(|v| v.parse().ok()).unwrap_or(0) };
    field(14) + field(15)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or("?")
        .to_owned()
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf reads a constant of the system.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as f64 } else { 100.0 }
}

/// Runs the binary with `args`, failing loudly with its output.
fn obryl(binary: &Path, args: &[&str]) -> String {
    let out = Command::new(binary)
        .args(args)
        .env("LANG", "C")
        .output()
        .expect("run obryl");
    if !out.status.success() {
        panic!(
            "obryl {}: {}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ms(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1000.0)
}

fn quantiles(h: &Histogram<u64>) -> String {
    if h.is_empty() {
        return "— | — | — | —".to_owned();
    }
    format!(
        "{} | {} | {} | {}",
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.90)),
        ms(h.value_at_quantile(0.99)),
        ms(h.max())
    )
}

struct Args {
    sessions: usize,
    seconds: u64,
    idle: u64,
    binary: PathBuf,
    url: Option<String>,
    show: bool,
}

fn args() -> Args {
    let mut a = Args {
        sessions: 50,
        seconds: 20,
        idle: 10,
        binary: PathBuf::from(env!("CARGO_BIN_EXE_obryl")),
        url: None,
        show: false,
    };
    let mut it = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| panic!("{name} wants a value"));
        match arg.as_str() {
            "--sessions" => a.sessions = value("--sessions").parse().expect("a number"),
            "--seconds" => a.seconds = value("--seconds").parse().expect("a number"),
            "--idle" => a.idle = value("--idle").parse().expect("a number"),
            "--binary" => a.binary = PathBuf::from(value("--binary")),
            "--show" => a.show = true,
            "-h" | "--help" => {
                eprintln!(
                    "usage: cargo bench --bench ssh -- [--sessions N] [--seconds S] [--idle S] \
                     [--binary PATH] [--show] [DATABASE_URL]"
                );
                std::process::exit(0);
            }
            url => a.url = Some(url.to_owned()),
        }
    }
    a
}

/// The server child, stopped (SIGTERM, then killed) when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: signals our own child by its id.
        unsafe {
            libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM);
        }
        for _ in 0..150 {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let args = args();
    let binary = args.binary.clone();
    assert!(
        binary.exists(),
        "{} not found: cargo build --release",
        binary.display()
    );
    let work = tempfile::tempdir().expect("temporary directory");
    let data_dir = work.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let data_dir_s = data_dir.display().to_string();
    let (url, temporary) = match args.url.clone() {
        Some(url) => (url, false),
        None if Path::new("/tmp/large.db").exists() => ("sqlite:///tmp/large.db".to_owned(), false),
        None => {
            let url = format!("sqlite://{}", work.path().join("demo.db").display());
            let t = std::time::Instant::now();
            obryl(
                &binary,
                &["--data-dir", &data_dir_s, "--database-url", &url, "migrate"],
            );
            obryl(
                &binary,
                &[
                    "--data-dir",
                    &data_dir_s,
                    "--database-url",
                    &url,
                    "seed",
                    "--size",
                    "demo",
                    "--anchor",
                    "2026-11-23",
                ],
            );
            eprintln!(
                "seeded a demo database in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            (url, true)
        }
    };
    let config_file = work.path().join("config.toml");
    std::fs::write(
        &config_file,
        format!(
            "[ssh]\nmax_sessions = {}\nmax_sessions_per_user = {}\nconnections_per_minute = 6000\n",
            args.sessions.max(1) * 4,
            args.sessions.max(1)
        ),
    )
    .unwrap();
    let config_s = config_file.display().to_string();
    let common = [
        "--config",
        config_s.as_str(),
        "--data-dir",
        data_dir_s.as_str(),
        "--database-url",
        url.as_str(),
        "--locale",
        "en",
    ];

    // One key per staff member, registered through the command line.
    let mut keys = Vec::new();
    for email in STAFF {
        let key = new_key();
        let line = key.public_key().to_openssh().expect("public key line");
        let file = work.path().join(format!("{email}.pub"));
        std::fs::write(&file, format!("{line} ssh-bench\n")).unwrap();
        let file_s = file.display().to_string();
        let mut a = common.to_vec();
        a.extend(["user", "key", "add", email, "--key-file", &file_s]);
        obryl(&binary, &a);
        let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
        keys.push((email, Arc::new(key), fingerprint));
    }

    // The server.
    let mut a = common.to_vec();
    a.extend(["serve", "--ssh", "--listen", "127.0.0.1:0"]);
    let mut child = Command::new(&binary)
        .args(&a)
        .env("LANG", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start obryl serve --ssh");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("server: {line}");
        }
    });
    let pid = child.id();
    let server = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    let addr: SocketAddr = loop {
        let line = lines
            .next()
            .expect("the server said where it listens")
            .expect("read the server's output");
        if let Some(addr) = line
            .split_whitespace()
            .filter_map(|w| w.trim_end_matches(',').parse().ok())
            .next()
        {
            break addr;
        }
    };
    // Whatever else it says goes to our stderr.
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            eprintln!("server: {line}");
        }
    });

    let tick = clock_ticks();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    std::thread::sleep(Duration::from_secs(1));
    let rss_alone = rss_kib(pid);

    let (phase_tx, phase_rx) = watch::channel(Phase::Opening);
    let (report_tx, mut reports) = mpsc::unbounded_channel();
    let n = args.sessions;
    let opening = Instant::now();
    let mut shown = std::collections::HashSet::new();
    for i in 0..n {
        let (email, key, _) = &keys[i % keys.len()];
        let show = args.show && shown.insert(*email);
        rt.spawn(session(
            i,
            addr,
            email,
            key.clone(),
            phase_rx.clone(),
            report_tx.clone(),
            show,
        ));
    }
    drop(report_tx);

    let summary = rt.block_on(async {
        let mut finished: Vec<Tally> = Vec::new();
        // Sessions through with paging (or closed before it).
        let mut done = std::collections::HashSet::new();
        let mut ready = 0usize;
        let mut failed = Vec::new();
        while ready + failed.len() < n {
            match reports.recv().await {
                Some(Report::Ready(Ok(()))) => ready += 1,
                Some(Report::Ready(Err(e))) => failed.push(e),
                Some(Report::Finished(i, t)) => {
                    done.insert(i);
                    finished.push(*t);
                }
                Some(Report::Paged(_)) => {}
                None => break,
            }
        }
        let all_open = opening.elapsed();
        let rss_open = rss_kib(pid);
        // Idle: every session open, nobody typing.
        phase_tx.send_replace(Phase::Idle);
        let idle_ticks_0 = cpu_ticks(pid);
        let idle_from = Instant::now();
        tokio::time::sleep(Duration::from_secs(args.idle)).await;
        let idle_ticks = cpu_ticks(pid) - idle_ticks_0;
        let idle_took = idle_from.elapsed();
        let rss_idle = rss_kib(pid);
        // Paging.
        let start = Instant::now() + Duration::from_millis(100);
        let end = start + Duration::from_secs(args.seconds);
        let paging_ticks_0 = cpu_ticks(pid);
        let client_ticks_0 = cpu_ticks(std::process::id());
        let load_before = loadavg();
        phase_tx.send_replace(Phase::Paging(start, end));
        while done.len() < ready {
            match reports.recv().await {
                Some(Report::Paged(i)) => {
                    done.insert(i);
                }
                Some(Report::Finished(i, t)) => {
                    done.insert(i);
                    finished.push(*t);
                }
                Some(Report::Ready(_)) => {}
                None => break,
            }
        }
        let paging_ticks = cpu_ticks(pid) - paging_ticks_0;
        let client_ticks = cpu_ticks(std::process::id()) - client_ticks_0;
        let load_after = loadavg();
        let paging_took = start.elapsed();
        let rss_paged = rss_kib(pid);
        phase_tx.send_replace(Phase::Done);
        let closing = tokio::time::timeout(Duration::from_secs(15), async {
            while let Some(r) = reports.recv().await {
                if let Report::Finished(_, t) = r {
                    finished.push(*t);
                }
            }
        });
        if closing.await.is_err() {
            eprintln!("some sessions did not close within 15 s");
        }
        Summary {
            ready,
            failed,
            finished,
            all_open,
            rss_open,
            rss_idle,
            rss_paged,
            idle_ticks,
            idle_took,
            paging_ticks,
            paging_took,
            client_ticks,
            load: (load_before, load_after),
        }
    });
    let hwm = hwm_kib(pid);
    drop(server);
    rt.shutdown_timeout(Duration::from_secs(2));

    // Leave no bench key live on a database that outlives the run.
    if !temporary {
        for (email, _, fingerprint) in &keys {
            let mut a = common.to_vec();
            a.extend(["user", "key", "revoke", email, fingerprint.as_str()]);
            obryl(&binary, &a);
        }
    }

    print(&args, &url, rss_alone, hwm, tick, &summary);
    let _ = std::io::stdout().flush();
}

struct Summary {
    ready: usize,
    failed: Vec<String>,
    finished: Vec<Tally>,
    all_open: Duration,
    rss_open: u64,
    rss_idle: u64,
    rss_paged: u64,
    idle_ticks: u64,
    idle_took: Duration,
    paging_ticks: u64,
    paging_took: Duration,
    client_ticks: u64,
    /// The machine's 1-minute load average as paging began and ended.
    load: (String, String),
}

fn print(args: &Args, url: &str, rss_alone: u64, hwm: u64, tick: f64, s: &Summary) {
    let n = args.sessions;
    let mut all = histogram();
    let mut by_kind = [histogram(), histogram(), histogram()];
    let mut connected = histogram();
    let mut first = histogram();
    let mut first_bytes = histogram();
    let (mut keys, mut timeouts, mut bytes, mut idle_bytes) = (0u64, 0u64, 0usize, 0usize);
    let mut errors = Vec::new();
    for t in &s.finished {
        all.add(&t.all).unwrap();
        for (a, b) in by_kind.iter_mut().zip(&t.by_kind) {
            a.add(b).unwrap();
        }
        connected.saturating_record(t.connected.as_micros() as u64);
        first.saturating_record(t.first_screen.as_micros() as u64);
        first_bytes.saturating_record(t.first_bytes.as_micros() as u64);
        keys += t.keys;
        timeouts += t.timeouts;
        bytes += t.bytes;
        idle_bytes += t.idle_bytes;
        if let Some(e) = &t.error {
            errors.push(e.clone());
        }
    }
    let ready = s.ready.max(1) as f64;
    println!(
        "\nSSH load, {url}: {n} sessions at {COLUMNS}×{ROWS}, one key per {} ms for {} s",
        PACE.as_millis(),
        args.seconds
    );
    println!(
        "sessions established: {} of {n} ({} failed; all open after {:.2} s)",
        s.ready,
        s.failed.len(),
        s.all_open.as_secs_f64()
    );
    println!("| | p50 | p90 | p99 | max |");
    println!("|---|---|---|---|---|");
    println!(
        "| TCP connect → shell started | {} |",
        quantiles(&connected)
    );
    println!(
        "| TCP connect → first bytes drawn | {} |",
        quantiles(&first_bytes)
    );
    println!(
        "| TCP connect → last byte of the opening screen | {} |",
        quantiles(&first)
    );
    println!(
        "| key → frame, all keys ({} keys) | {} |",
        all.len(),
        quantiles(&all)
    );
    println!(
        "| key → frame, `j`/`k` | {} |",
        quantiles(&by_kind[Kind::Line as usize])
    );
    println!(
        "| key → frame, PgDn/PgUp | {} |",
        quantiles(&by_kind[Kind::Page as usize])
    );
    println!(
        "| key → frame, `G`/`g` | {} |",
        quantiles(&by_kind[Kind::Jump as usize])
    );
    println!(
        "keys sent: {keys} ({:.0}/s), timeouts (> {} s): {timeouts}, bytes received while paging: {:.1} KB per key",
        keys as f64 / args.seconds as f64,
        TIMEOUT.as_secs(),
        bytes as f64 / keys.max(1) as f64 / 1000.0
    );
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "server RSS: alone {:.1} MiB, {} sessions open {:.1} MiB, after {} s idle {:.1} MiB, after paging {:.1} MiB, peak {:.1} MiB",
        mib(rss_alone),
        s.ready,
        mib(s.rss_open),
        args.idle,
        mib(s.rss_idle),
        mib(s.rss_paged),
        mib(hwm)
    );
    println!(
        "memory per session: {:.2} MiB idle, {:.2} MiB after paging",
        mib(s.rss_idle.saturating_sub(rss_alone)) / ready,
        mib(s.rss_paged.saturating_sub(rss_alone)) / ready
    );
    let idle_cpu = s.idle_ticks as f64 / tick;
    println!(
        "server CPU, {} sessions idle {:.1} s: {:.2} s ({:.1} % of one core); bytes sent to idle sessions: {idle_bytes}",
        s.ready,
        s.idle_took.as_secs_f64(),
        idle_cpu,
        100.0 * idle_cpu / s.idle_took.as_secs_f64()
    );
    let paging_cpu = s.paging_ticks as f64 / tick;
    println!(
        "server CPU while paging {:.1} s: {:.2} s ({:.0} % of one core), {:.2} ms per key",
        s.paging_took.as_secs_f64(),
        paging_cpu,
        100.0 * paging_cpu / s.paging_took.as_secs_f64(),
        1000.0 * paging_cpu / keys.max(1) as f64
    );
    let client_cpu = s.client_ticks as f64 / tick;
    println!(
        "clients (this process) CPU while paging: {:.2} s ({:.0} % of one core); load average {} → {}",
        client_cpu,
        100.0 * client_cpu / s.paging_took.as_secs_f64(),
        s.load.0,
        s.load.1
    );
    let mut seen = std::collections::BTreeMap::new();
    for e in s.failed.iter().chain(&errors) {
        *seen.entry(e.clone()).or_insert(0usize) += 1;
    }
    for (e, count) in seen {
        println!("error ×{count}: {e}");
    }
}
