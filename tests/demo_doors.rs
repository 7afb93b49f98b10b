//! Every door into the embedded demo builds the same demo: the first command of any kind on a
//! fresh data directory (no database URL) builds what the TUI's first run builds, through the
//! same function, or fails and leaves nothing behind; an interrupted build or an empty file
//! is never taken for a demo; two first runs at once build one. `obryl seed --size demo`
//! writes the demo's statements and service account too, and the demo has two pending
//! collections to confirm and fail. The login screen names the demo accounts only when the
//! database it logs into holds them.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::cli::{code, json, text};
use common::ui::Harness;
use obryl::domain::Locale;
use obryl::service::{self, Origin};
use obryl::store::Db;
use obryl::ui::login::DemoAccounts;

/// `obryl --data-dir DIR ARGS` with no database URL (the embedded demo), in English, away from
/// the machine's own configuration, as finance's password.
fn fresh(home: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_obryl"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(["--locale", "en"])
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("OBRYL_PASSWORD", "demo")
        .env_remove("DATABASE_URL")
        .env_remove("OBRYL_DATABASE_URL")
        .env_remove("OBRYL_DATA_DIR")
        .env_remove("OBRYL_CONFIG");
    cmd
}

fn run(home: &Path, dir: &Path, args: &[&str]) -> Output {
    fresh(home, dir, args).output().expect("run obryl")
}

const PENDING: &[&str] = &[
    "--as",
    "finance@obryl.test",
    "payment",
    "list",
    "--status",
    "pending",
    "--direction",
    "collection",
    "--json",
];

async fn open(dir: &Path) -> Db {
    Db::connect(&format!("sqlite://{}", dir.join("obryl.db").display()))
        .await
        .expect("open the demo")
}

/// What a demo holds: its staff accounts, its service account, a statement per the provider
/// with the most transactions.
async fn assert_is_the_demo(dir: &Path) {
    assert!(dir.join("obryl.db").exists());
    assert!(!dir.join("obryl.db.partial").exists(), "no partial left");
    let statements: Vec<_> = std::fs::read_dir(dir.join("statements"))
        .expect("the demo's statements")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert!(statements[0].starts_with("demo-"), "{statements:?}");
    let db = open(dir).await;
    let accounts = obryl::ui::login::demo_accounts_in(&db).await.unwrap();
    assert_eq!(accounts.len(), 7, "{accounts:?}");
    assert!(accounts.contains(&("finance@obryl.test".into(), "finance".into())));
    let automation = service::service_accounts::find(&db, obryl::seed::demo::SERVICE_ACCOUNT)
        .await
        .expect("the demo's service account");
    assert!(automation.roles.iter().any(|r| r.as_str() == "super-admin"));
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_command_on_a_fresh_data_dir_builds_the_demo() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");

    let o = run(home.path(), &dir, PENDING);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("First run: creating the demo database"),
        "{stderr}"
    );
    // Two collections wait for the provider: one to confirm, one to fail.
    let pending = json(&o);
    let ids: Vec<i64> = pending
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert!(ids.len() >= 2, "{pending}");
    assert_is_the_demo(&dir).await;

    // The next command uses it: nothing built twice.
    let o = run(
        home.path(),
        &dir,
        &["--as", "finance@obryl.test", "ledger", "verify"],
    );
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert!(!text(&o).contains("First run"), "{}", text(&o));
    assert_eq!(
        text(&o).matches("— 0 discrepancies").count(),
        obryl::office::escrow::CHECKS.len()
            + obryl::office::ledger_checks::CHECKS.len()
            + obryl::office::referral_checks::CHECKS.len(),
        "{}",
        text(&o)
    );

    let finance = ["--as", "finance@obryl.test", "payment"];
    let confirm = [
        &finance[..],
        &["confirm", &ids[0].to_string(), "--reference", "REF-1"],
    ];
    let o = run(home.path(), &dir, &confirm.concat());
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let fail = [
        &finance[..],
        &["fail", &ids[1].to_string(), "--reason", "Solde insuffisant"],
    ];
    let o = run(home.path(), &dir, &fail.concat());
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let o = run(
        home.path(),
        &dir,
        &["--as", "finance@obryl.test", "ledger", "verify"],
    );
    assert_eq!(
        code(&o),
        Some(0),
        "after a confirmation and a failure: {}",
        text(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_of_any_kind_opens_the_door_but_logout_and_a_url_do_not() {
    // A bootstrap command, a read without a login, migrate: each builds the demo first.
    for args in [
        &["migrate"][..],
        &["audit", "tail", "--lines", "1"][..],
        &["doctor"][..],
    ] {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("data");
        let o = fresh(home.path(), &dir, args)
            .env_remove("OBRYL_PASSWORD")
            .output()
            .unwrap();
        assert!(text(&o).contains("First run"), "{args:?}: {}", text(&o));
        assert_is_the_demo(&dir).await;
    }
    // Logging out of nothing builds nothing; a database named by URL is never the demo.
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    let o = run(home.path(), &dir, &["logout"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert!(!dir.join("obryl.db").exists());
    let url = format!("sqlite://{}", home.path().join("other.db").display());
    let o = run(home.path(), &dir, &["--database-url", &url, "doctor"]);
    assert_eq!(code(&o), Some(2), "{}", text(&o));
    assert!(!dir.join("obryl.db").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_build_or_an_empty_file_is_not_taken_for_a_demo() {
    // What an interrupted first run leaves: a partial file, never at the demo's name.
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("obryl.db.partial"), b"half a database").unwrap();
    let o = run(home.path(), &dir, PENDING);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert_is_the_demo(&dir).await;

    // What an older version left: an empty database file with no table at the demo's name.
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    std::fs::create_dir_all(&dir).unwrap();
    let shell = open(&dir).await;
    assert!(shell.ensure_migrated().await.is_err(), "no schema in it");
    shell.close().await;
    assert!(dir.join("obryl.db").exists());
    let o = run(home.path(), &dir, PENDING);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert!(text(&o).contains("First run"), "{}", text(&o));
    assert_is_the_demo(&dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_that_fails_leaves_nothing_behind() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    // The temporary database cannot be created where it goes.
    std::fs::create_dir_all(dir.join("obryl.db.partial").join("in the way")).unwrap();
    let o = run(home.path(), &dir, PENDING);
    assert_eq!(code(&o), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("Cannot create the demo database"),
        "{}",
        text(&o)
    );
    assert!(!dir.join("obryl.db").exists(), "nothing at the demo's name");
    // Once the way is clear, the next command builds it.
    std::fs::remove_dir_all(dir.join("obryl.db.partial")).unwrap();
    let o = run(home.path(), &dir, PENDING);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert_is_the_demo(&dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_first_commands_at_once_build_one_demo() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    let children: Vec<_> = (0..2)
        .map(|_| {
            fresh(home.path(), &dir, PENDING)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outputs {
        assert_eq!(code(o), Some(0), "{}", text(o));
        assert!(json(o).as_array().unwrap().len() >= 2);
    }
    let built = outputs
        .iter()
        .filter(|o| text(o).contains("First run"))
        .count();
    assert_eq!(built, 1, "built once");
    assert_is_the_demo(&dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_size_demo_writes_the_statements_and_the_service_account_too() {
    // On a fresh data directory, built aside and renamed, with the statements.
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    let o = run(home.path(), &dir, &["seed", "--size", "demo"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert_is_the_demo(&dir).await;
    let o = run(home.path(), &dir, PENDING);
    assert!(json(&o).as_array().unwrap().len() >= 2, "{}", text(&o));

    // On a database named by URL: the statements go to the data directory, where `I` looks.
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    let db = home.path().join("named.db");
    let url = format!("sqlite://{}", db.display());
    let o = run(home.path(), &dir, &["--database-url", &url, "migrate"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let o = run(home.path(), &dir, &["--database-url", &url, "seed"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let statements = std::fs::read_dir(dir.join("statements")).unwrap().count();
    assert_eq!(statements, 1);
    let named = Db::connect(&url).await.unwrap();
    service::service_accounts::find(&named, obryl::seed::demo::SERVICE_ACCOUNT)
        .await
        .expect("the demo's service account");
    named.close().await;
    assert!(
        !dir.join("obryl.db").exists(),
        "the embedded demo is not made"
    );
}

/// Pumps the login screen until the database's answer about the demo accounts is in.
async fn demo_accounts_shown(h: &mut Harness, db: &Db) -> bool {
    let demo = DemoAccounts::look_up(db);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if demo.show_on(h.app.login.as_mut()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_screen_names_demo_accounts_only_when_the_database_holds_them() {
    // A database with no demo in it (the one the TUI would log into with --database-url).
    let (empty, _dir) = common::sqlite().await;
    let mut h = Harness::login_screen(&empty, Locale::En).await;
    assert!(!demo_accounts_shown(&mut h, &empty).await);
    let screen = h.render(100, 30);
    assert!(screen.contains("staff login"), "{screen}");
    assert!(!screen.contains("Demo accounts"), "{screen}");
    assert!(!screen.contains("@obryl.test"), "{screen}");

    // The demo: its accounts, with the roles the database gives them.
    let (demo, _dir) = common::ui::demo_db().await;
    let admin = common::ui::actor(&demo, "admin@obryl.test").await;
    service::users::delete(&demo, Some(&admin), &Origin::cli(), "editor@obryl.test")
        .await
        .unwrap();
    let mut h = Harness::login_screen(&demo, Locale::Fr).await;
    assert!(demo_accounts_shown(&mut h, &demo).await);
    let screen = h.render(100, 30);
    assert!(screen.contains("Comptes de démonstration"), "{screen}");
    assert!(screen.contains("finance@obryl.test"), "{screen}");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("admin@obryl.test") && l.contains("super-admin")),
        "{screen}"
    );
    assert!(
        !screen.contains("editor@obryl.test"),
        "a deleted account: {screen}"
    );
}
