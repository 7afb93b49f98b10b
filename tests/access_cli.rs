//! Access control through the real binary on a copy of the seeded demo: every command is an
//! actor's command, `--as` is honoured by the staff-account commands, refusals say why and exit
//! 1, failed logins are audited and throttled.

mod common;

use std::path::Path;
use std::process::Output;

use common::cli::text;
use common::ui::demo_db;
use obryl::store::{self, Db};

/// `obryl` with USER claiming to be "ops-operator": the bootstrap path's audit rows must name
/// the real account instead.
fn obryl(db: &Path, password: Option<&str>, args: &[&str]) -> Output {
    common::cli::command(db, password, args)
        .env("USER", "ops-operator")
        .output()
        .expect("run obryl")
}

async fn roles(db: &Db, email: &str) -> Vec<String> {
    let user = store::users::find_by_email(&mut db.clone(), email)
        .await
        .unwrap()
        .unwrap();
    store::users::roles_of(&mut db.clone(), user.id)
        .await
        .unwrap()
}

#[tokio::test]
async fn role_administration_from_the_command_line() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    let demo = Some("demo");

    let o = obryl(
        &path,
        demo,
        &[
            "--as",
            "ops@obryl.test",
            "user",
            "grant",
            "ops@obryl.test",
            "super-admin",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("own roles"), "{}", text(&o));
    assert_eq!(roles(&db, "ops@obryl.test").await, vec!["ops"]);

    let o = obryl(
        &path,
        demo,
        &[
            "--as",
            "ops@obryl.test",
            "user",
            "grant",
            "support@obryl.test",
            "finance",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("commissions.approve"), "{}", text(&o));

    let o = obryl(
        &path,
        demo,
        &[
            "--as",
            "admin@obryl.test",
            "user",
            "revoke",
            "admin@obryl.test",
            "super-admin",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(roles(&db, "admin@obryl.test").await, vec!["super-admin"]);

    // The operator's bootstrap path: no login, said on stderr, audited with the OS user; the
    // last super-admin still stays.
    let o = obryl(
        &path,
        None,
        &["user", "revoke", "admin@obryl.test", "super-admin"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("last super-admin"), "{}", text(&o));
    let o = obryl(
        &path,
        None,
        &["user", "grant", "support@obryl.test", "editor"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("bypassing permissions"),
        "{}",
        text(&o)
    );
    let latest = store::audit::since(&mut db.clone(), 0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .find(|a| a.event == "role_granted")
        .expect("the grant is audited");
    assert_eq!(latest.user_id, None);
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    let tags = latest.tags.clone().unwrap_or_default();
    assert!(tags.starts_with("operator:"), "{tags}");
    assert!(
        tags.ends_with(&format!("uid {uid})")) || tags == format!("operator:uid {uid}"),
        "{tags}"
    );
    assert!(
        !tags.contains("ops-operator"),
        "USER does not name the operator: {tags}"
    );
}

#[tokio::test]
async fn reading_needs_someone_and_their_permission() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    for args in [
        &["audit", "tail"][..],
        &["workload"],
        &["user", "list"],
        &["commission", "list"],
        &["ticket", "list"],
        &["project", "list"],
        &["session", "list"],
    ] {
        let o = obryl(&path, None, args);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
        assert!(text(&o).contains("Who are you?"), "{args:?}: {}", text(&o));
    }
    let editor = ["--as", "editor@obryl.test"];
    let o = obryl(
        &path,
        Some("demo"),
        &[&editor[..], &["audit", "tail"]].concat(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("audit.view"), "{}", text(&o));
    let o = obryl(
        &path,
        Some("demo"),
        &[&editor[..], &["project", "list"]].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = obryl(
        &path,
        Some("demo"),
        &[
            "--as",
            "support@obryl.test",
            "audit",
            "tail",
            "--lines",
            "3",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[tokio::test]
async fn failed_logins_are_audited_then_throttled() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    let finance = store::users::find_by_email(&mut db.clone(), "finance@obryl.test")
        .await
        .unwrap()
        .unwrap();
    let failed = || async {
        store::audit::count_for(&mut db.clone(), "user", finance.id, Some("login_failed"))
            .await
            .unwrap()
    };
    let before = failed().await;
    let list = ["--as", "finance@obryl.test", "commission", "list"];
    for _ in 0..3 {
        let o = obryl(&path, Some("wrong"), &list);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(text(&o).contains("Wrong email or password"), "{}", text(&o));
    }
    assert_eq!(failed().await - before, 3);
    for _ in 0..2 {
        obryl(&path, Some("wrong"), &list);
    }
    let o = obryl(&path, Some("demo"), &list);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("Try again at"), "{}", text(&o));
    // Another account from the same source is throttled too (per source).
    let o = obryl(
        &path,
        Some("demo"),
        &["--as", "finance2@obryl.test", "commission", "list"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("Try again at"), "{}", text(&o));
}

#[tokio::test]
async fn sessions_are_listed_and_ended() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    let finance = store::users::find_by_email(&mut db.clone(), "finance@obryl.test")
        .await
        .unwrap()
        .unwrap();
    let policy = obryl::domain::ThrottlePolicy::default();
    let kind = obryl::service::auth::SessionKind::Remembered {
        ttl: chrono::Duration::days(1),
    };
    let origin = obryl::service::Origin::tui();
    obryl::service::auth::login(&db, "finance@obryl.test", "demo", &origin, &policy, kind)
        .await
        .unwrap();
    let admin = ["--as", "admin@obryl.test"];
    let o = obryl(
        &path,
        Some("demo"),
        &[
            &admin[..],
            &["session", "list", "--user", "finance@obryl.test", "--json"],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    // Support may not end someone else's sessions.
    let o = obryl(
        &path,
        Some("demo"),
        &[
            "--as",
            "support@obryl.test",
            "session",
            "revoke",
            "--user",
            "finance@obryl.test",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("users.manage"), "{}", text(&o));
    let o = obryl(
        &path,
        Some("demo"),
        &[
            &admin[..],
            &["session", "revoke", "--user", "finance@obryl.test"],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("Sessions ended: 1"), "{}", text(&o));
    let live =
        store::access::sessions_of(&mut db.clone(), finance.id, false, chrono::Utc::now(), 10)
            .await
            .unwrap();
    assert!(live.is_empty(), "{live:?}");
}
