//! The back-office served over SSH, end to end in one process: a russh client talks to the
//! real server over an in-memory stream, and what it receives is read through a terminal
//! emulator (vt100). A registered key lands in the TUI as its owner, in their language, at the
//! pty's size; keys, window changes and the clipboard (OSC 52) go through the channel; quitting
//! restores the client's terminal and ends the back-office session. An unknown key never gets
//! in; a command gets a failure reply; a session over the cap is told why; a panic ends its
//! session only; an idle session and a stopping server close theirs with the reason said; a
//! client that stops reading slows only itself; connections over an address's rate are dropped.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Once};
use std::time::Duration;

use common::ui::demo_db;
use obryl::config::Config;
use obryl::service::{self, Origin};
use obryl::ssh::Service;
use obryl::store::Db;
use rand::RngCore;
use russh::ChannelMsg;
use russh::client::{self, AuthResult};
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg, PublicKey};
use tokio::time::Instant;

/// The key that makes a debug build's App panic (read once per process, so set for all).
const PANIC_KEY: char = '§';
const STEP: Duration = Duration::from_secs(20);

fn panic_key_once() {
    static SET: Once = Once::new();
    SET.call_once(|| {
        // SAFETY: set once, before any App of this process reads it (every test calls this
        // first, and the read happens at an App's first key).
        unsafe { std::env::set_var("OBRYL_DEBUG_PANIC_KEY", PANIC_KEY.to_string()) };
    });
}

fn new_key() -> PrivateKey {
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    PrivateKey::from(Ed25519Keypair::from_seed(&seed))
}

/// A server on a demo database copy, with the finance staff's keys registered.
struct World {
    db: Db,
    service: Service,
    host: PublicKey,
    awa: PrivateKey,
    _dir: tempfile::TempDir,
    _data: tempfile::TempDir,
}

impl World {
    async fn new(tune: impl FnOnce(&mut Config)) -> World {
        panic_key_once();
        let (db, dir) = demo_db().await;
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::defaults();
        config.paths.data_dir = data.path().display().to_string();
        config.live.poll_ms = 100;
        tune(&mut config);
        let host_key = new_key();
        let host = host_key.public_key().clone();
        let awa = new_key();
        let line = awa.public_key().to_openssh().unwrap();
        service::ssh_keys::add(&db, None, &Origin::cli(), "finance@obryl.test", &line)
            .await
            .unwrap();
        let service = Service::start(db.clone(), &config, host_key).await;
        World {
            db,
            service,
            host,
            awa,
            _dir: dir,
            _data: data,
        }
    }

    /// A client connection to the server over an in-memory stream.
    async fn connect(&self) -> client::Handle<Client> {
        let (ours, theirs) = tokio::io::duplex(1 << 16);
        let peer: SocketAddr = "192.0.2.7:50022".parse().unwrap();
        tokio::spawn(self.service.connection(theirs, peer));
        let client = Client {
            host: self.host.clone(),
        };
        client::connect_stream(Arc::new(client::Config::default()), ours, client)
            .await
            .expect("handshake")
    }

    /// A connection authenticated with `key` (whether it got in).
    async fn login(&self, key: &PrivateKey) -> (client::Handle<Client>, bool) {
        let mut handle = self.connect().await;
        let with = PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None);
        let result = handle.authenticate_publickey("anyone", with).await.unwrap();
        let ok = matches!(result, AuthResult::Success);
        (handle, ok)
    }

    /// Awa's back-office at `columns` × `rows`.
    async fn screen(&self, columns: u32, rows: u32) -> (client::Handle<Client>, Screen) {
        self.screen_as(&self.awa, columns, rows).await
    }

    /// The back-office of `key`'s owner at `columns` × `rows`.
    async fn screen_as(
        &self,
        key: &PrivateKey,
        columns: u32,
        rows: u32,
    ) -> (client::Handle<Client>, Screen) {
        let (handle, ok) = self.login(key).await;
        assert!(ok, "a registered key gets in");
        let channel = handle.channel_open_session().await.unwrap();
        channel
            .request_pty(true, "xterm-256color", columns, rows, 0, 0, &[])
            .await
            .unwrap();
        channel.request_shell(true).await.unwrap();
        let screen = Screen {
            channel,
            parser: vt100::Parser::new(rows as u16, columns as u16, 0),
            raw: Vec::new(),
            exit: None,
            closed: false,
            failed: false,
        };
        (handle, screen)
    }

    async fn audit_events(&self, event: &str) -> Vec<serde_json::Value> {
        let q = "SELECT new_values FROM audit_logs WHERE event = ? ORDER BY id";
        let rows: Vec<(String,)> = sqlx::query_as(q)
            .bind(event)
            .fetch_all(sqlite(&self.db))
            .await
            .unwrap();
        rows.iter()
            .map(|(v,)| serde_json::from_str(v).unwrap())
            .collect()
    }
}

fn sqlite(db: &Db) -> &sqlx::SqlitePool {
    match db {
        Db::Sqlite(pool) => pool,
        _ => unreachable!("the demo copy is SQLite"),
    }
}

struct Client {
    host: PublicKey,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(
            matches!(key, russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } if *key == self.host),
        )
    }
}

/// One channel's output as a terminal shows it.
struct Screen {
    channel: russh::Channel<client::Msg>,
    parser: vt100::Parser,
    /// Every byte received (for the sequences a screen does not show).
    raw: Vec<u8>,
    exit: Option<u32>,
    closed: bool,
    failed: bool,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Reads until `done` holds, or panics after `STEP` with the screen.
    async fn until(&mut self, what: &str, done: impl Fn(&Screen) -> bool) {
        let deadline = Instant::now() + STEP;
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => {
                    self.parser.process(&data);
                    self.raw.extend_from_slice(&data);
                }
                Ok(Some(ChannelMsg::ExitStatus { exit_status })) => self.exit = Some(exit_status),
                Ok(Some(ChannelMsg::Failure)) => self.failed = true,
                Ok(Some(ChannelMsg::Close)) | Ok(None) => {
                    self.closed = true;
                    if !done(self) {
                        panic!("closed before {what}:\n{}", self.text());
                    }
                }
                Ok(Some(_)) => {}
                Err(_) => panic!("no {what} within {STEP:?}:\n{}", self.text()),
            }
        }
    }

    async fn until_text(&mut self, text: &str) {
        self.until(text, |s| s.text().contains(text)).await;
    }

    async fn until_closed(&mut self) {
        self.until("the channel's close", |s| s.closed).await;
    }

    async fn keys(&self, bytes: &str) {
        self.channel
            .data_bytes(bytes.as_bytes().to_vec())
            .await
            .unwrap();
    }

    fn row(&self, n: u16) -> String {
        let (_, columns) = self.parser.screen().size();
        self.parser.screen().contents_between(n, 0, n, columns)
    }

    fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_key_lands_in_the_back_office_and_leaves_the_terminal_as_it_was() {
    let world = World::new(|_| {}).await;
    let (_handle, mut screen) = world.screen(120, 32).await;
    // Awa Diop reads French; the footer names her.
    screen.until_text("1 Projets").await;
    screen.until_text("Awa Diop · finance").await;
    assert!(
        screen.raw_text().contains("\x1b[?1049h"),
        "alternate screen"
    );
    assert!(screen.row(31).contains("Awa Diop"), "{}", screen.text());

    // A key sequence through the channel: the commissions, oldest pending first.
    screen.keys("2").await;
    screen.until_text("en attente").await;
    // The client's window shrinks: the screen is drawn at the new size.
    screen.channel.window_change(80, 20, 0, 0).await.unwrap();
    screen.parser.screen_mut().set_size(20, 80);
    screen
        .until("the footer on row 20", |s| s.row(19).contains("Awa Diop"))
        .await;
    // `y` copies the row's reference to the client's clipboard, through the channel.
    screen.keys("y").await;
    screen
        .until("an OSC 52 sequence", |s| {
            s.raw_text().contains("\x1b]52;c;")
        })
        .await;

    screen.keys("q").await;
    screen.until_closed().await;
    assert_eq!(screen.exit, Some(0));
    let raw = screen.raw_text();
    let left = raw.rfind("\x1b[?1049l").expect("main screen back");
    assert!(
        raw.rfind("\x1b[?25h").is_some_and(|at| at < left + 10),
        "cursor shown"
    );

    // Logged in with the key, from the peer's address; the session ended with the channel.
    let logins = world.audit_events("login").await;
    let login = logins.last().unwrap();
    assert!(login["ssh_key"].as_str().unwrap().starts_with("SHA256:"));
    let session = login["staff_session_id"].as_i64().unwrap();
    let deadline = Instant::now() + STEP;
    loop {
        let logouts = world.audit_events("logout").await;
        if !logouts.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "no logout for session {session}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (source,): (String,) = sqlx::query_as("SELECT source FROM staff_sessions WHERE id = ?")
        .bind(session)
        .fetch_one(sqlite(&world.db))
        .await
        .unwrap();
    assert_eq!(source, "ssh:192.0.2.7");
    // The audit rows carry the peer's address.
    let (ip,): (Option<String>,) =
        sqlx::query_as("SELECT ip_address FROM audit_logs WHERE event = 'login' ORDER BY id DESC")
            .fetch_one(sqlite(&world.db))
            .await
            .unwrap();
    assert_eq!(ip.as_deref(), Some("192.0.2.7"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_keys_commands_and_sessions_over_the_cap_are_refused() {
    let world = World::new(|c| c.ssh.max_sessions_per_user = 1).await;
    // A key nobody registered: refused, recorded with the peer's address.
    let (_, ok) = world.login(&new_key()).await;
    assert!(!ok, "an unknown key is refused");
    let failed = world.audit_events("login_failed").await;
    let last = failed.last().expect("the refusal is audited");
    assert_eq!(last["reason"], "unknown_key");
    assert_eq!(last["source"], "ssh:192.0.2.7");

    // A command gets a failure reply.
    let (handle, ok) = world.login(&world.awa).await;
    assert!(ok);
    let channel = handle.channel_open_session().await.unwrap();
    channel.exec(true, "cat /etc/passwd").await.unwrap();
    let mut exec = Screen {
        channel,
        parser: vt100::Parser::new(24, 80, 0),
        raw: Vec::new(),
        exit: None,
        closed: false,
        failed: false,
    };
    exec.until("the exec's failure", |s| s.failed).await;
    assert!(!exec.raw_text().contains("root:"));

    // One session per staff member here: the second is told why.
    let (_first, mut first) = world.screen(100, 30).await;
    first.until_text("Awa Diop").await;
    let (_second, mut second) = world.screen(100, 30).await;
    second.until_closed().await;
    assert!(
        second.raw_text().contains("1 sessions"),
        "{}",
        second.raw_text()
    );
    assert_eq!(second.exit, Some(1));
    let refused = world.audit_events("ssh_refused").await;
    let reasons: Vec<&str> = refused
        .iter()
        .filter_map(|r| r["reason"].as_str())
        .collect();
    assert_eq!(reasons, ["exec", "sessions_per_user"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg(debug_assertions)]
async fn a_panic_ends_its_session_only() {
    let world = World::new(|_| {}).await;
    let (_h, mut crashing) = world.screen(100, 30).await;
    crashing.until_text("Awa Diop").await;
    crashing.keys(&PANIC_KEY.to_string()).await;
    crashing.until_closed().await;
    assert!(
        crashing.raw_text().contains("erreur interne"),
        "told in French"
    );
    assert!(
        crashing.raw_text().contains("\x1b[?1049l"),
        "terminal restored"
    );
    assert_eq!(crashing.exit, Some(1));
    // The server goes on.
    let (_h2, mut next) = world.screen(100, 30).await;
    next.until_text("Awa Diop").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sessions_and_a_stopping_server_close_with_the_reason_said() {
    let world = World::new(|c| c.ssh.idle_seconds = 2).await;
    let (_h, mut idle) = world.screen(100, 30).await;
    idle.until_text("Awa Diop").await;
    idle.until_closed().await;
    assert!(
        idle.raw_text().contains("2 s sans frappe"),
        "{}",
        idle.raw_text()
    );

    let world = World::new(|_| {}).await;
    let (_h, mut busy) = world.screen(100, 30).await;
    busy.until_text("Awa Diop").await;
    world.service.stop();
    busy.until_closed().await;
    assert!(busy.raw_text().contains("Le serveur s'arrête"));
    assert_eq!(busy.exit, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_slows_only_its_own_session() {
    let world = World::new(|c| c.ssh.max_sessions_per_user = 2).await;
    let (_ha, mut stuck) = world.screen(120, 40).await;
    stuck.until_text("Awa Diop").await;
    // 300 keys and not one byte read: its frames wait on its own window and queues.
    for _ in 0..100 {
        stuck.keys("2j1").await;
    }
    // Meanwhile another session answers its keys at once.
    let (_hb, mut other) = world.screen(120, 40).await;
    other.until_text("Awa Diop").await;
    for tab in ["2", "4", "1"] {
        let before = other.raw.len();
        other.keys(tab).await;
        other
            .until("a frame for the key", |s| s.raw.len() > before)
            .await;
    }
    other.until_text("1 Projets").await;
    // Reading again, the slow session catches up: its last screen is drawn.
    stuck.until_text("Projets").await;
    stuck.keys("q").await;
    stuck.until_closed().await;
    assert_eq!(stuck.exit, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_address_rate_are_dropped_and_recorded_once() {
    panic_key_once();
    let (db, _dir) = demo_db().await;
    let data = tempfile::tempdir().unwrap();
    let mut config = Config::defaults();
    config.paths.data_dir = data.path().display().to_string();
    config.ssh.connections_per_minute = 2;
    let host_key = new_key();
    let server = obryl::ssh::Server::bind(
        db.clone(),
        &config,
        "127.0.0.1:0".parse().unwrap(),
        host_key,
    )
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    let stopped = stop.clone();
    let serving = tokio::spawn(server.run(async move { stopped.cancelled().await }));
    // A handshake is the server's greeting: dropped connections never send one.
    let greeted = || async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut first = [0u8; 4];
        use tokio::io::AsyncReadExt;
        let read = tokio::time::timeout(STEP, stream.read_exact(&mut first)).await;
        matches!(read, Ok(Ok(_))) && &first == b"SSH-"
    };
    assert!(
        greeted().await && greeted().await,
        "the first two are served"
    );
    for _ in 0..3 {
        assert!(!greeted().await, "beyond the rate: dropped");
    }
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_logs WHERE event = 'login_failed' \
         AND new_values LIKE '%rate_limited%' AND ip_address = '127.0.0.1'",
    )
    .fetch_one(sqlite(&db))
    .await
    .unwrap();
    assert_eq!(n, 1, "recorded once a minute per address");
    stop.cancel();
    serving.await.unwrap().unwrap();
}

/// The graphics question goes down the session's own channel and the answer comes back on its
/// own input: a client whose terminal claims sixel (with a cell size) gets the preview of a
/// picture as sixel; the server's own terminal is never asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previews_are_drawn_as_the_sessions_own_terminal_answers() {
    let world = World::new(|_| {}).await;
    let disk = obryl::media::MediaDisk::new(world._data.path().join("media"));
    obryl::seed::media_files::lay_out(&world.db, &disk)
        .await
        .unwrap();
    let admin = new_key();
    let line = admin.public_key().to_openssh().unwrap();
    service::ssh_keys::add(&world.db, None, &Origin::cli(), "admin@obryl.test", &line)
        .await
        .unwrap();
    let (_handle, mut screen) = world.screen_as(&admin, 160, 45).await;
    // The question: kitty's, the device attributes, the cell size, then a status request.
    screen
        .until("the graphics question", |s| {
            s.raw_text().contains("\x1b[5n")
        })
        .await;
    let asked = screen.raw_text();
    assert!(asked.contains("\x1b_Gi=31") && asked.contains("\x1b[c") && asked.contains("\x1b[16t"));
    // This terminal draws sixel, with 10 × 20 pixel cells.
    screen.keys("\x1b[?64;4;22c\x1b[6;20;10t\x1b[0n").await;
    screen.until_text("Obryl").await;
    screen.keys(":media\r").await;
    screen.until_text("portfolio").await;
    screen.keys("/collection:portfolio status:pending\r").await;
    screen.until_text("collection:portfolio").await;
    let before = screen.raw.len();
    screen.keys("\r").await;
    screen
        .until("a sixel picture", |s| {
            String::from_utf8_lossy(&s.raw[before..]).contains("\x1bP")
        })
        .await;
    assert!(screen.text().contains("(sixel)"), "{}", screen.text());
}
