//! The real binary as a script runs it, on a database file of the test's own.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `obryl ARGS` on the SQLite file `db`, in English, with its folder as the data
/// directory (never a remembered login from the machine's own) and `password` as
/// OBRYL_PASSWORD (None: unset). Nothing from the environment chooses another database or
/// source.
pub fn obryl_with(db: &Path, password: Option<&str>, args: &[&str]) -> Output {
    command(db, password, args).output().expect("run obryl")
}

/// The command `obryl_with` runs, for a test that sets more of its environment.
pub fn command(db: &Path, password: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_obryl"));
    cmd.arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .arg("--data-dir")
        .arg(db.parent().expect("temp dir"))
        .args(["--locale", "en"])
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("OBRYL_DATABASE_URL")
        .env_remove("SSH_CLIENT")
        .env_remove("SSH_CONNECTION");
    match password {
        Some(p) => cmd.env("OBRYL_PASSWORD", p),
        None => cmd.env_remove("OBRYL_PASSWORD"),
    };
    cmd
}

/// `obryl_with` the demo accounts' password.
pub fn obryl(db: &Path, args: &[&str]) -> Output {
    obryl_with(db, Some("demo"), args)
}

/// Stdout then stderr, as text.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The exit code of a finished run.
pub fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

/// Stdout parsed as one JSON document (an object or an array, never JSON Lines).
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", text(o)))
}

/// Whether `s` reads as a date and time (`2026-03-01T09:30…` or `2026-03-01 09:30…`).
fn looks_like_a_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 16
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b' ')
        && b[11..13].iter().all(u8::is_ascii_digit)
        && b[13] == b':'
}

/// Every text in `v` that reads as a time is RFC 3339 UTC to the second (`2026-03-01T09:30:00Z`).
/// Returns how many times were checked.
pub fn assert_uniform_times(v: &serde_json::Value) -> usize {
    use serde_json::Value;
    match v {
        Value::String(s) if looks_like_a_time(s) => {
            assert!(
                s.len() == 20
                    && s.ends_with('Z')
                    && s.as_bytes()[10] == b'T'
                    && chrono::DateTime::parse_from_rfc3339(s).is_ok(),
                "time not in the form 2026-03-01T09:30:00Z: {s:?}"
            );
            1
        }
        Value::Array(items) => items.iter().map(assert_uniform_times).sum(),
        Value::Object(map) => map.values().map(assert_uniform_times).sum(),
        _ => 0,
    }
}
