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
