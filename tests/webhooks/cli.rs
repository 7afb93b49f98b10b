//! `obryl webhook …` and `obryl worker --once` through the real binary, on a copy of the
//! seeded demo: its endpoints are on reserved names (the worker records failed attempts and
//! sends nothing), an endpoint added on the loopback gets a signed test event, and only
//! those who manage webhooks may.

use std::path::Path;
use std::process::Output;

use obryl::domain::webhook::reserved_name;

use super::common::cli::{code, command, json, text};
use super::common::ui::demo_db;
use super::support::*;

const ADMIN: &str = "admin@obryl.test";
const FINANCE: &str = "finance@obryl.test";

/// `obryl --as EMAIL ARGS` with receivers on the loopback allowed.
fn as_(path: &Path, email: &str, args: &[&str]) -> Output {
    let mut all = vec!["--as", email];
    all.extend_from_slice(args);
    local(path, &all)
}

fn local(path: &Path, args: &[&str]) -> Output {
    command(path, Some("demo"), args)
        .env("OBRYL_WEBHOOKS_ALLOW_PRIVATE", "1")
        .env("OBRYL_WEBHOOKS_RETRY_SCHEDULE", "1h")
        .output()
        .expect("run obryl")
}

fn expect(o: &Output, want: i32, what: &str) {
    assert_eq!(code(o), Some(want), "{what}: {}", text(o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_from_the_command_line() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");

    // The demo's endpoints never reach the network.
    let o = as_(&path, ADMIN, &["webhook", "list", "--json"]);
    expect(&o, 0, "webhook list --json");
    let list = json(&o);
    let endpoints = list.as_array().unwrap();
    assert!(endpoints.len() >= 4, "{list}");
    for e in endpoints {
        let url = url::Url::parse(e["url"].as_str().unwrap()).unwrap();
        assert!(reserved_name(url.host_str().unwrap()), "{url}");
        assert!(e["id"].is_i64() && e["status"].is_string());
    }
    let o = as_(&path, ADMIN, &["worker", "--once"]);
    expect(&o, 0, "worker --once");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("Webhooks: 0 delivered"), "{out}");
    let o = as_(
        &path,
        ADMIN,
        &["webhook", "deliveries", "--failed", "--json"],
    );
    expect(&o, 0, "webhook deliveries --failed");
    let failed = json(&o);
    let refused = failed
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("refused before connecting"))
        })
        .count();
    assert!(refused >= 5, "{failed}");

    // An endpoint on the loopback: its id and secret, a test event, verified.
    let r = ok_receiver().await;
    let o = as_(
        &path,
        ADMIN,
        &[
            "webhook",
            "add",
            &r.url,
            "--events",
            "commission.approved,commission.paid",
            "--json",
        ],
    );
    expect(&o, 0, "webhook add --json");
    let added = json(&o);
    let id = added["id"].as_i64().unwrap();
    let secret = added["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(added["status"], "active");
    let o = as_(&path, ADMIN, &["webhook", "list", "--json"]);
    assert!(!text(&o).contains(&secret), "the secret is shown once");
    let o = as_(&path, ADMIN, &["webhook", "test", &id.to_string()]);
    expect(&o, 0, "webhook test");
    expect(
        &as_(&path, ADMIN, &["worker", "--once"]),
        0,
        "worker --once",
    );
    let hits = r.hits();
    assert_eq!(hits.len(), 1);
    assert!(verifies(&secret, &hits[0]));
    assert_eq!(hits[0].json()["type"], "webhook.test");

    // Rotate, disable, enable, replay; the table in words.
    let o = as_(
        &path,
        ADMIN,
        &["webhook", "rotate", &id.to_string(), "--json"],
    );
    expect(&o, 0, "webhook rotate");
    assert_ne!(json(&o)["secret"].as_str().unwrap(), secret);
    let o = as_(
        &path,
        ADMIN,
        &["webhook", "disable", &id.to_string(), "--json"],
    );
    expect(&o, 0, "webhook disable");
    assert_eq!(json(&o)["status"], "disabled");
    let o = as_(&path, ADMIN, &["webhook", "disable", &id.to_string()]);
    expect(&o, 1, "disable twice");
    assert!(text(&o).contains("Already disabled by"), "{}", text(&o));
    expect(
        &as_(&path, ADMIN, &["webhook", "enable", &id.to_string()]),
        0,
        "enable",
    );
    let o = as_(
        &path,
        ADMIN,
        &[
            "webhook",
            "replay",
            "--endpoint",
            &id.to_string(),
            "--failed-since",
            "2020-01-01",
            "--json",
        ],
    );
    expect(&o, 0, "replay --failed-since");
    assert_eq!(json(&o)["queued"], 0);
    let o = as_(&path, ADMIN, &["webhook", "list"]);
    expect(&o, 0, "webhook list");
    assert!(
        text(&o).contains(&r.url) && text(&o).contains("STATUS"),
        "{}",
        text(&o)
    );
    let o = as_(
        &path,
        ADMIN,
        &["webhook", "deliveries", "--endpoint", &id.to_string()],
    );
    expect(&o, 0, "webhook deliveries");
    assert!(text(&o).contains("webhook.test"), "{}", text(&o));

    // Refusals: the permission, an address, a time.
    let o = as_(&path, FINANCE, &["webhook", "list"]);
    expect(&o, 1, "finance lists webhooks");
    assert!(text(&o).contains("webhooks.manage"), "{}", text(&o));
    let o = command(
        &path,
        Some("demo"),
        &[
            "--as",
            ADMIN,
            "webhook",
            "add",
            "https://10.0.0.1/x",
            "--events",
            "*",
        ],
    )
    .output()
    .unwrap();
    expect(&o, 1, "a private address");
    assert!(text(&o).contains("private network"), "{}", text(&o));
    let o = as_(
        &path,
        ADMIN,
        &[
            "webhook",
            "replay",
            "--endpoint",
            "1",
            "--failed-since",
            "yesterday",
        ],
    );
    expect(&o, 2, "a bad time");
}
