//! `obryl token create|list|revoke` and `obryl serve --api` through the real binary, on a copy
//! of the seeded demo: the plaintext is printed once and never again (not by `list`, not in
//! the log file), only super-admins manage tokens, and the server answers on the loopback and
//! stops cleanly on SIGTERM.

mod api_support;
mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use common::cli::{code, command, json, obryl, text};
use common::ui::demo_db;

const ADMIN: &str = "admin@obryl.test";
const FINANCE: &str = "finance@obryl.test";

fn as_(path: &Path, email: &str, args: &[&str]) -> Output {
    obryl(path, &[&["--as", email][..], args].concat())
}

fn expect(o: &Output, want: i32, what: &str) {
    assert_eq!(code(o), Some(want), "{what}: {}", text(o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_created_listed_and_revoked_from_the_command_line() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");

    let o = as_(
        &path,
        ADMIN,
        &[
            "token",
            "create",
            "--name",
            "Jira « sync »",
            "--abilities",
            "projects:read,tickets:read",
            "--expires",
            "30",
            "--json",
        ],
    );
    expect(&o, 0, "token create --json");
    let created = json(&o);
    let id = created["id"].as_i64().unwrap();
    let plaintext = created["token"].as_str().unwrap().to_owned();
    assert!(plaintext.starts_with(&format!("{id}|")));
    assert_eq!(
        created["abilities"],
        serde_json::json!(["projects:read", "tickets:read"])
    );
    assert!(created["expires_at"].as_str().unwrap().ends_with('Z'));
    let secret = plaintext.split_once('|').unwrap().1.to_owned();

    // Without --json: the warning on stderr, the token alone on stdout.
    let o = as_(
        &path,
        ADMIN,
        &["token", "create", "--name", "CI", "--abilities", "*"],
    );
    expect(&o, 0, "token create");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.trim().contains('|'));
    assert!(String::from_utf8_lossy(&o.stderr).contains("will not be shown again"));

    let o = as_(&path, ADMIN, &["token", "list", "--json"]);
    expect(&o, 0, "token list --json");
    let list = json(&o);
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .expect("the new token is listed");
    for field in [
        "id",
        "name",
        "abilities",
        "expires_at",
        "last_used_at",
        "created_by",
    ] {
        assert!(row.get(field).is_some(), "list has no {field}");
    }
    assert!(
        row["created_by"].as_str().is_some_and(|n| !n.is_empty()),
        "{row}"
    );
    assert!(row.get("token").is_none());
    let listed = text(&o);
    assert!(!listed.contains(&secret), "list shows the secret");
    let table = as_(&path, ADMIN, &["token", "list"]);
    expect(&table, 0, "token list");
    assert!(text(&table).contains("projects:read,tickets:read"));
    assert!(!text(&table).contains(&secret));

    // Only super-admins manage tokens; refusals exit 1 and say why.
    for args in [
        &["token", "list"][..],
        &[
            "token",
            "create",
            "--name",
            "x",
            "--abilities",
            "projects:read",
        ],
        &["token", "revoke", &id.to_string()],
    ] {
        let o = as_(&path, FINANCE, args);
        expect(&o, 1, &format!("{args:?} as finance"));
        assert!(text(&o).contains("API tokens"), "{}", text(&o));
    }
    let o = as_(
        &path,
        ADMIN,
        &[
            "token",
            "create",
            "--name",
            "x",
            "--abilities",
            "projects:write",
        ],
    );
    expect(&o, 1, "unknown ability");
    assert!(
        text(&o).contains("projects:write is not an API ability"),
        "{}",
        text(&o)
    );

    let o = as_(
        &path,
        ADMIN,
        &["token", "revoke", &id.to_string(), "--json"],
    );
    expect(&o, 0, "token revoke");
    assert_eq!(json(&o)["id"], id);
    let o = as_(&path, ADMIN, &["token", "list", "--json"]);
    assert!(json(&o).as_array().unwrap().iter().all(|t| t["id"] != id));
    let o = as_(&path, ADMIN, &["token", "revoke", &id.to_string()]);
    expect(&o, 1, "revoking twice");
    assert!(
        text(&o).contains(&format!("API token #{id} not found")),
        "{}",
        text(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_on_the_loopback_and_stops_on_sigterm() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    let o = as_(
        &path,
        ADMIN,
        &[
            "token",
            "create",
            "--name",
            "serve",
            "--abilities",
            "projects:read",
            "--json",
        ],
    );
    expect(&o, 0, "token create");
    let plaintext = json(&o)["token"].as_str().unwrap().to_owned();

    let mut child = command(
        &path,
        Some("demo"),
        &["--as", ADMIN, "serve", "--api", "--listen", "127.0.0.1:0"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("start obryl serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("a line").expect("readable");
    let base = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .trim_end_matches("/api/v1")
        .to_owned();

    let c = api_support::client();
    let r = c
        .get(format!("{base}/api/v1/projects?limit=3"))
        .bearer_auth(&plaintext)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = api_support::json(r).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 3);
    let r = c
        .get(format!("{base}/api/v1/tickets"))
        .bearer_auth(&plaintext)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // SAFETY: signalling the child this test started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("serve did not stop on SIGTERM")
    });
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");

    let log = std::fs::read_to_string(dir.path().join("obryl.log")).expect("obryl.log");
    assert!(log.contains("path=/api/v1/projects"), "{log}");
    let secret = plaintext.split_once('|').unwrap().1;
    assert!(!log.contains(secret), "the log holds the token");
}
