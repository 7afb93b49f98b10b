//! `obryl serve --ssh` against the real OpenSSH client (`ssh`, `sftp`, `ssh-keygen`), run in
//! tmux where a terminal is needed: a registered key lands in the back-office as its staff
//! member, in their language, and the screen follows the client's window size; an unknown key,
//! a revoked key, commands, sftp, `ssh -T` and port forwarding (-R, -L) are refused, the
//! refusals audited; two staff members connected over SSH see each other's approvals live;
//! revoking a key from the command line closes its live session with the reason and exit 1.
//! Skipped when a tool is missing, unless OBRYL_REQUIRE_SSH=1 (CI), which makes that a failure.

use std::io::{ErrorKind, Read};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_obryl");
/// Generous: a debug build, other builds sharing the machine.
const SCREEN: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(20);

/// Whether the OpenSSH client and tmux are here; false means "skip this test" (a panic when
/// OBRYL_REQUIRE_SSH=1).
fn tools_present() -> bool {
    let missing: Vec<&str> = ["ssh", "sftp", "ssh-keygen", "tmux"]
        .into_iter()
        .filter(|tool| {
            let path = std::env::var_os("PATH").unwrap_or_default();
            !std::env::split_paths(&path).any(|dir| dir.join(tool).is_file())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(", ");
    if std::env::var("OBRYL_REQUIRE_SSH").is_ok_and(|v| v == "1") {
        panic!("OBRYL_REQUIRE_SSH=1 but {missing} not found on PATH");
    }
    let test = std::thread::current().name().map(str::to_string);
    eprintln!(
        "{}: skipped, {missing} not found on PATH",
        test.unwrap_or_default()
    );
    false
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().unwrap().port()
}

/// Runs `cmd` with no input, killed if it outlives `limit`; its output read as it comes.
fn run(mut cmd: Command, limit: Duration) -> Output {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&[o.stdout.as_slice(), &o.stderr].concat()).into_owned()
}

/// Asserts that `o`'s output holds `needle`.
fn says(o: &Output, needle: &str) {
    assert!(text(o).contains(needle), "no {needle:?} in: {}", text(o));
}

/// Polls `probe` until it returns Some, or panics with `what` and the last thing it saw.
fn poll<T>(limit: Duration, what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        match probe() {
            Ok(v) => return v,
            Err(seen) if Instant::now() > deadline => {
                panic!("timed out after {limit:?} waiting for {what}; last seen:\n{seen}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// A data directory of its own with the demo database, and `obryl serve --ssh` on it.
struct Server {
    child: Option<Child>,
    dir: TempDir,
    port: u16,
}

impl Server {
    /// The data directory and its demo database (made by the first command) without a server.
    fn prepare() -> Server {
        Server {
            child: None,
            dir: tempfile::tempdir().unwrap(),
            port: 0,
        }
    }

    /// `obryl --data-dir DIR --locale en ARGS`, as `as_email` when given (password "demo").
    fn obryl(&self, as_email: Option<&str>, args: &[&str]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir").arg(self.dir.path());
        cmd.args(["--locale", "en"]);
        if let Some(email) = as_email {
            cmd.args(["--as", email]).env("OBRYL_PASSWORD", "demo");
        }
        cmd.args(args);
        for var in [
            "DATABASE_URL",
            "OBRYL_DATABASE_URL",
            "SSH_CLIENT",
            "SSH_CONNECTION",
        ] {
            cmd.env_remove(var);
        }
        run(cmd, Duration::from_secs(180))
    }

    /// A new ed25519 key pair in the data directory; its private key's path.
    fn keygen(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let mut cmd = Command::new("ssh-keygen");
        cmd.args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&path);
        let o = run(cmd, STEP);
        assert!(o.status.success(), "ssh-keygen: {}", text(&o));
        path
    }

    /// Registers `key`'s public half for `email` (as the admin); its fingerprint.
    fn register(&self, email: &str, key: &Path) -> String {
        let public = format!("{}.pub", key.display());
        let args = ["user", "key", "add", email, "--key-file", &public, "--json"];
        let o = self.obryl(Some("admin@obryl.test"), &args);
        assert!(o.status.success(), "key add: {}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("key add --json");
        let fingerprint = v["fingerprint"]
            .as_str()
            .expect("a fingerprint")
            .to_string();
        assert!(fingerprint.starts_with("SHA256:"), "{v}");
        fingerprint
    }

    /// Starts the server and waits for its "served over SSH" line.
    fn start(&mut self) {
        self.port = free_port();
        let listen = format!("127.0.0.1:{}", self.port);
        let out = self.dir.path().join("serve.out");
        let err = self.dir.path().join("serve.err");
        let child = Command::new(BIN)
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(["--locale", "en", "serve", "--ssh", "--listen", &listen])
            .env_remove("DATABASE_URL")
            .env_remove("OBRYL_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .expect("start obryl serve --ssh");
        self.child = Some(child);
        let expected = format!("Back-office served over SSH on {listen}, host key SHA256:");
        poll(SCREEN, "the server to listen", || {
            let said = std::fs::read_to_string(&out).unwrap_or_default();
            let child = self.child.as_mut().unwrap();
            if let Some(status) = child.try_wait().unwrap() {
                let err = std::fs::read_to_string(&err).unwrap_or_default();
                panic!("the server exited ({status}): {said}{err}");
            }
            if said.contains(&expected) {
                Ok(())
            } else {
                Err(said)
            }
        });
    }

    /// The ssh command line, as the shell tmux starts reads it, for `key` with `extra` options.
    fn ssh_line(&self, key: &Path, extra: &str) -> String {
        format!(
            "ssh -tt -F /dev/null -i '{}' -o BatchMode=yes -o IdentitiesOnly=yes \
             -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
             -p {} {extra} 127.0.0.1",
            key.display(),
            self.port
        )
    }

    /// `program` (ssh or sftp) with the common options, `port_flag` its port option.
    fn client(&self, program: &str, port_flag: &str, key: &Path, extra: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(["-F", "/dev/null", "-i"]).arg(key);
        for option in [
            "BatchMode=yes",
            "IdentitiesOnly=yes",
            "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null",
            "LogLevel=ERROR",
            "ConnectTimeout=20",
        ] {
            cmd.args(["-o", option]);
        }
        cmd.args([port_flag, &self.port.to_string()]).args(extra);
        cmd
    }

    /// `ssh [extra] 127.0.0.1 [command]` without a terminal, to its end.
    fn ssh(&self, key: &Path, extra: &[&str], command: &[&str]) -> Output {
        let mut cmd = self.client("ssh", "-p", key, extra);
        cmd.arg("127.0.0.1").args(command);
        run(cmd, Duration::from_secs(60))
    }

    /// The `ssh_refused` reasons audited for the key `fingerprint`, oldest first.
    fn refusals(&self, fingerprint: &str) -> Vec<String> {
        let args = ["audit", "tail", "--lines", "200", "--json"];
        let o = self.obryl(Some("admin@obryl.test"), &args);
        assert!(o.status.success(), "audit tail: {}", text(&o));
        let rows: serde_json::Value = serde_json::from_slice(&o.stdout).expect("audit JSON");
        rows.as_array()
            .expect("an array of audit rows")
            .iter()
            .filter(|r| r["event"] == "ssh_refused" && r["new_values"]["ssh_key"] == fingerprint)
            .map(|r| {
                r["new_values"]["reason"]
                    .as_str()
                    .unwrap_or("?")
                    .to_string()
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A tmux server of the test's own (a private socket in a temporary folder), its sessions
/// killed with it.
struct Tmux {
    socket: TempDir,
}

impl Tmux {
    fn new() -> Tmux {
        Tmux {
            socket: tempfile::tempdir().unwrap(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S").arg(self.socket.path().join("tmux"));
        cmd.args(["-f", "/dev/null"]).args(args).env_remove("TMUX");
        run(cmd, STEP)
    }

    /// A detached session `name` of `columns`×`rows` running `line`, kept open once it ends
    /// with the exit status shown as `EXIT=N`.
    fn open(&self, name: &str, (columns, rows): (u16, u16), line: &str) {
        let shell = format!("{line}; echo EXIT=$?; sleep 600");
        let (x, y) = (columns.to_string(), rows.to_string());
        let o = self.cmd(&["new-session", "-d", "-s", name, "-x", &x, "-y", &y, &shell]);
        assert!(o.status.success(), "tmux new-session: {}", text(&o));
    }

    fn screen(&self, name: &str) -> String {
        let o = self.cmd(&["capture-pane", "-p", "-t", name]);
        assert!(o.status.success(), "tmux capture-pane: {}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Waits until `name`'s screen satisfies `ok`; that screen.
    fn wait(&self, name: &str, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        poll(limit, &format!("{what} in tmux session {name}"), || {
            let screen = self.screen(name);
            if ok(&screen) { Ok(screen) } else { Err(screen) }
        })
    }

    /// Resizes `name`'s window as a client's terminal would be.
    fn resize(&self, name: &str, columns: u16, rows: u16) {
        let (x, y) = (columns.to_string(), rows.to_string());
        let o = self.cmd(&["resize-window", "-t", name, "-x", &x, "-y", &y]);
        assert!(o.status.success(), "tmux resize-window: {}", text(&o));
        let size = "#{window_width}x#{window_height}";
        let o = self.cmd(&["display", "-p", "-t", name, size]);
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            format!("{x}x{y}")
        );
    }

    fn keys(&self, name: &str, keys: &str) {
        let o = self.cmd(&["send-keys", "-t", name, "-l", keys]);
        assert!(o.status.success(), "tmux send-keys: {}", text(&o));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let socket = self.socket.path().join("tmux");
        let kill = Command::new("tmux")
            .arg("-S")
            .arg(socket)
            .arg("kill-server")
            .output();
        drop(kill);
    }
}

/// Row `n` (from 0) of a captured screen.
fn row(screen: &str, n: usize) -> &str {
    screen.lines().nth(n).unwrap_or("")
}

/// The record numbers listed in a table on `screen` ("│   41 API de paiement…").
fn listed(screen: &str) -> Vec<u32> {
    screen
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix('│')?.trim_start();
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 || !rest[digits..].starts_with(' ') {
                return None;
            }
            rest[..digits].parse().ok()
        })
        .collect()
}

/// Whether the last row is the footer of Awa Diop and the one above it a bottom border
/// `columns` wide: the screen is drawn for a `columns`×`rows` terminal.
fn drawn_for(screen: &str, columns: usize, rows: usize) -> bool {
    let border = row(screen, rows - 2);
    row(screen, 0).starts_with(" Obryl │ 1 Projets")
        && row(screen, rows - 1).starts_with(" Awa Diop · finance")
        && border.starts_with('└')
        && border.ends_with('┘')
        && border.chars().count() == columns
}

#[test]
fn a_registered_key_opens_the_back_office_in_its_owners_language_and_follows_resizes() {
    if !tools_present() {
        return;
    }
    let mut server = Server::prepare();
    let key = server.keygen("awa");
    server.register("finance@obryl.test", &key);
    server.start();
    let tmux = Tmux::new();
    tmux.open("awa", (120, 40), &server.ssh_line(&key, ""));

    let screen = tmux.wait("awa", "the French back-office", SCREEN, |s| {
        s.contains("Projets") && s.contains("Awa Diop") && drawn_for(s, 120, 40)
    });
    assert!(
        row(&screen, 0).starts_with(" Obryl │ 1 Projets  2 Commissions  3 Charge  4 Tickets"),
        "{screen}"
    );

    // Narrower and shorter, then wider and taller than at first.
    for (x, y) in [(90, 24), (132, 43)] {
        tmux.resize("awa", x, y);
        let what = format!("the screen redrawn for {x}×{y}");
        tmux.wait("awa", &what, STEP, |s| drawn_for(s, x.into(), y.into()));
    }

    tmux.keys("awa", "q");
    tmux.wait("awa", "ssh ending with 0 on q", STEP, |s| {
        s.contains("EXIT=0")
    });
}

#[test]
fn commands_sftp_no_terminal_and_forwarding_are_refused_and_audited() {
    if !tools_present() {
        return;
    }
    let mut server = Server::prepare();
    let key = server.keygen("awa");
    let fingerprint = server.register("finance@obryl.test", &key);
    server.start();

    // A command.
    let o = server.ssh(&key, &[], &["ls", "/"]);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    says(&o, "exec request failed");

    // sftp.
    let mut sftp = server.client("sftp", "-P", &key, &["-b", "-", "127.0.0.1"]);
    sftp.stdin(Stdio::null());
    let o = run(sftp, Duration::from_secs(60));
    assert!(!o.status.success(), "sftp succeeded: {}", text(&o));
    says(&o, "subsystem request failed");

    // No terminal: told why, exit status 1.
    let o = server.ssh(&key, &["-T"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.lines()
            .any(|l| l.starts_with("obryl: ") && l.contains("ssh -t")),
        "{}",
        text(&o)
    );

    // -L in a terminal session: the back-office runs, the forwarded connection is refused.
    let local = free_port();
    let tmux = Tmux::new();
    let forward = format!("-L {local}:127.0.0.1:{}", free_port());
    tmux.open("awa", (120, 40), &server.ssh_line(&key, &forward));
    tmux.wait("awa", "the back-office", SCREEN, |s| {
        s.contains("Awa Diop") && s.contains("Projets")
    });
    let mut stream = TcpStream::connect(("127.0.0.1", local)).expect("ssh listens for -L");
    stream.set_read_timeout(Some(STEP)).unwrap();
    let mut buf = [0u8; 64];
    match stream.read(&mut buf) {
        Ok(0) => {}
        Ok(n) => panic!("the forwarded connection carried {n} bytes"),
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the forwarded connection stayed open: {e}"),
    }
    poll(STEP, "the -L refusal in the audit log", || {
        let reasons = server.refusals(&fingerprint);
        if reasons.iter().any(|r| r == "forwarding") {
            Ok(())
        } else {
            Err(format!("{reasons:?}"))
        }
    });
    // The session itself goes on.
    let screen = tmux.screen("awa");
    assert!(
        screen.contains("Awa Diop") && !screen.contains("EXIT="),
        "{screen}"
    );

    // -R, with the client told to give up when it is refused.
    let forward = [
        "-N",
        "-o",
        "ExitOnForwardFailure=yes",
        "-R",
        "0:127.0.0.1:9",
    ];
    let o = server.ssh(&key, &forward, &[]);
    assert!(!o.status.success(), "{}", text(&o));
    says(&o, "remote port forwarding failed");

    let reasons = poll(STEP, "every refusal in the audit log", || {
        let reasons = server.refusals(&fingerprint);
        let forwards = reasons.iter().filter(|r| *r == "forwarding").count();
        let all = ["exec", "subsystem", "no_pty"]
            .iter()
            .all(|want| reasons.iter().any(|r| r == want));
        if all && forwards >= 2 {
            Ok(reasons)
        } else {
            Err(format!("{reasons:?}"))
        }
    });
    eprintln!("audited refusals: {reasons:?}");
}

#[test]
fn two_staff_members_over_ssh_see_each_others_approvals_live() {
    if !tools_present() {
        return;
    }
    let mut server = Server::prepare();
    let awa = server.keygen("awa");
    let ibrahima = server.keygen("ibrahima");
    server.register("finance@obryl.test", &awa);
    server.register("finance2@obryl.test", &ibrahima);
    server.start();
    let tmux = Tmux::new();
    tmux.open("awa", (120, 40), &server.ssh_line(&awa, ""));
    tmux.open("ibrahima", (120, 40), &server.ssh_line(&ibrahima, ""));

    let commissions = |s: &str| s.contains("┌ Commissions") && !listed(s).is_empty();
    for (name, who) in [("awa", "Awa Diop"), ("ibrahima", "Ibrahima Coulibaly")] {
        tmux.wait(name, who, SCREEN, |s| s.contains(who));
        tmux.keys(name, "2");
        tmux.wait(name, "the pending commissions", STEP, commissions);
    }
    let screen = tmux.screen("awa");
    // The cursor starts on the first row.
    let first = listed(&screen)[0];
    let other = tmux.wait("ibrahima", "the same commission", STEP, |s| {
        listed(s).contains(&first)
    });
    assert!(listed(&other).len() > 1, "{other}");

    tmux.keys("awa", "a");
    tmux.wait("awa", "the confirmation", STEP, |s| {
        s.contains("Confirmation")
    });
    tmux.keys("awa", "o");
    let approved = Instant::now();
    let gone = |s: &str| commissions(s) && !listed(s).contains(&first);
    tmux.wait("awa", "the approved commission gone", STEP, gone);
    tmux.wait("ibrahima", "the approval seen live", STEP, gone);
    let took = approved.elapsed();
    eprintln!("commission {first} left the other screen {took:?} after the approval");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn unknown_and_revoked_keys_are_refused_and_revoking_closes_the_live_session() {
    if !tools_present() {
        return;
    }
    // Two failed logins here (a revoked key, an unknown one), under the throttle's five.
    let mut server = Server::prepare();
    let key = server.keygen("ibrahima");
    let stranger = server.keygen("stranger");
    let fingerprint = server.register("finance2@obryl.test", &key);
    server.start();
    let tmux = Tmux::new();
    tmux.open("ibrahima", (120, 40), &server.ssh_line(&key, ""));
    tmux.wait("ibrahima", "the back-office", SCREEN, |s| {
        s.contains("Ibrahima Coulibaly") && s.contains("Projets")
    });

    let args = ["user", "key", "revoke", "finance2@obryl.test", &fingerprint];
    let o = server.obryl(Some("admin@obryl.test"), &args);
    assert!(o.status.success(), "key revoke: {}", text(&o));
    let revoked = Instant::now();
    let screen = tmux.wait("ibrahima", "the session closed", STEP, |s| {
        s.contains("EXIT=")
    });
    let took = revoked.elapsed();
    eprintln!("the revoked key's session closed {took:?} after the revocation");
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    let exit = lines.iter().position(|l| l.starts_with("EXIT=")).unwrap();
    assert_eq!(lines[exit], "EXIT=1", "{screen}");
    assert!(
        exit > 0 && lines[exit - 1].starts_with("obryl: ") && lines[exit - 1].len() > 10,
        "{screen}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");

    // The revoked key no longer gets in.
    let o = server.ssh(&key, &[], &["true"]);
    assert_eq!(o.status.code(), Some(255), "{}", text(&o));
    says(&o, "Permission denied");

    // Nor a key nobody registered, refused when offered (no "Server accepts key").
    let o = server.ssh(&stranger, &["-v"], &["true"]);
    assert_eq!(o.status.code(), Some(255), "{}", text(&o));
    says(&o, "Permission denied");
    says(&o, "Offering public key");
    assert!(!text(&o).contains("Server accepts key"), "{}", text(&o));
}
