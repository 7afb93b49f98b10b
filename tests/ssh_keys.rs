//! Staff members' SSH keys on real SQLite and real PostgreSQL: parsing and fingerprints as
//! `ssh-keygen -l` prints them, who may register and revoke them (`users.manage` and the
//! role-administration rules, nothing written on a refusal), the lookup the SSH server
//! authenticates with (never a revoked key), and the commands through the real binary.

mod common;

use common::cli::{code, json, text};
use common::fixtures::{self, AWA, FATOU};
use common::ui::demo_db;
use obryl::domain::RoleRule;
use obryl::domain::ssh_key::{SshKeyError, parse};
use obryl::service::{self, Origin, ServiceError};
use obryl::store::{self, Db};

// Fingerprints computed with `ssh-keygen -lf` on these public keys.
const ED25519: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO4IMcV3AHqbs/yf3wIAKR5JcQVTLELZnFzeHpZQ1df0 awa@laptop";
const ED25519_FP: &str = "SHA256:6EutoqQOszfvgmBX8SLQPzRFIG9yRFoDaip+765uoLQ";
const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBlRsq0Wk7Poi4n1yS02+BlpseODvxBCaZ3KVTZfeggoxfv1l4d5NjNO52rIRIJJsCrdcqKxP0BUme9prMaU3eQ= ec";
const ECDSA_FP: &str = "SHA256:UbKiRuaW7WPd7v/6C6mdGT3r4qqRLRouE3bqB/TZaMM";
const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDHrYfElHqDHjvKA6I1x2yQgB5oYDj2GHqdi1IjHV5ai7EBZyK9Ge9t5CgBxfgVd0uPUHhKe02nai/VA3GlzIIIifdbJVKMJLau+x7histeEiJiSvBgffbS7nBjcKHjoiW3wFH475sHd+gRnJzFB+pj2l00R69F64LQvejlQNMJ5hvKm0Xnzy62WP4XzNXlntvu1l3yHfGp/xzt1cldDr8tR0dyWa+no1V9sNivTmDxQTIwCYbV3FL+kjkivrDNcwX3M6RzlPyToR233fWLLOqf++pYVAT4AryYveMVPiMTdnO69Yl55ZE4BPCuigzGk1GCG4rSKVo3feHFjkmxuVYb rsa key";
const RSA_FP: &str = "SHA256:Jto8whDnsvES4qnwFgT0Wy2pmI8VKZwOLgkHh7OIZlY";

#[test]
fn keys_parse_with_the_fingerprint_ssh_keygen_prints() {
    let k = parse(ED25519).unwrap();
    assert_eq!(k.algorithm, "ssh-ed25519");
    assert_eq!(k.fingerprint, ED25519_FP);
    assert_eq!(k.comment.as_deref(), Some("awa@laptop"));
    assert_eq!(parse(ECDSA).unwrap().fingerprint, ECDSA_FP);
    let rsa = parse(RSA).unwrap();
    assert_eq!(rsa.fingerprint, RSA_FP);
    assert_eq!(rsa.comment.as_deref(), Some("rsa key"));
    // Without a comment, with surrounding blanks.
    let bare = parse(&format!("  {}  ", &ED25519[..ED25519.len() - 11])).unwrap();
    assert_eq!(
        (bare.fingerprint.as_str(), bare.comment),
        (ED25519_FP, None)
    );

    assert_eq!(
        parse("ssh-dss AAAAB3NzaC1kc3M="),
        Err(SshKeyError::Unsupported)
    );
    assert_eq!(
        parse("sk-ssh-ed25519@openssh.com AAAA"),
        Err(SshKeyError::Unsupported)
    );
    assert_eq!(
        parse("-----BEGIN OPENSSH PRIVATE KEY-----"),
        Err(SshKeyError::Malformed)
    );
    // The ed25519 line's blob under the RSA name.
    let b64 = ED25519.split(' ').nth(1).unwrap();
    assert_eq!(parse(&format!("ssh-rsa {b64}")), Err(SshKeyError::BadBlob));
    // A truncated blob.
    assert_eq!(
        parse(&format!("ssh-ed25519 {}", &b64[..40])),
        Err(SshKeyError::BadBlob)
    );
}

fn email(id: i64) -> String {
    format!("u{id}@obryl.test")
}

async fn keys_of(db: &Db, id: i64) -> usize {
    store::ssh_keys::for_user(&mut db.clone(), id)
        .await
        .unwrap()
        .len()
}

async fn audits(db: &Db, id: i64) -> i64 {
    store::audit::count_for(&mut db.clone(), "user", id, None)
        .await
        .unwrap()
}

/// A super-admin of the fixtures' world, created on the operator's path.
async fn admin(db: &Db) -> i64 {
    let o = Origin::operator();
    let id = service::users::create(db, None, &o, "Admin", "admin@obryl.test", "demo-pass")
        .await
        .unwrap();
    let role = obryl::domain::Role::SuperAdmin;
    service::users::set_role(db, None, &o, "admin@obryl.test", role, true)
        .await
        .unwrap();
    id
}

async fn rules(db: &Db) {
    fixtures::world(db).await;
    let admin_id = admin(db).await;
    let admin = fixtures::actor(db, admin_id).await;
    let finance = fixtures::actor(db, AWA).await;
    let o = Origin::cli();

    // Finance may not: the refusal names the permission, and nothing is written.
    let before = audits(db, FATOU).await;
    let e = service::ssh_keys::add(db, Some(&finance), &o, &email(FATOU), ED25519)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("users.manage"), "{e}");
    assert_eq!(keys_of(db, FATOU).await, 0);
    assert_eq!(audits(db, FATOU).await, before);

    // Nobody registers a key of their own (the role rules).
    let e = service::ssh_keys::add(db, Some(&admin), &o, "admin@obryl.test", ED25519)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ServiceError::RoleRule(RoleRule::OwnRoles)),
        "{e}"
    );
    assert_eq!(keys_of(db, admin_id).await, 0);

    // A key that is not one is refused with its reason.
    let e = service::ssh_keys::add(db, Some(&admin), &o, &email(AWA), "ssh-dss AAAA")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Invalid {
                field: "ssh_key",
                ..
            }
        ),
        "{e}"
    );
    // Only staff have keys.
    let e = service::ssh_keys::add(db, Some(&admin), &o, &email(fixtures::CLIENT), ED25519)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::NotStaff { .. }), "{e}");

    // The admin may, with its audit row.
    let before = audits(db, AWA).await;
    let k = service::ssh_keys::add(db, Some(&admin), &o, &email(AWA), ED25519)
        .await
        .unwrap();
    assert_eq!((k.user_id, k.fingerprint.as_str()), (AWA, ED25519_FP));
    assert_eq!(k.created_by, Some(admin_id));
    assert_eq!(audits(db, AWA).await, before + 1);
    service::ssh_keys::add(db, Some(&admin), &o, &email(AWA), RSA)
        .await
        .unwrap();
    // One key, one person.
    let e = service::ssh_keys::add(db, Some(&admin), &o, &email(FATOU), ED25519)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Duplicate { .. }), "{e}");
    assert_eq!(
        service::ssh_keys::list(db, &email(AWA))
            .await
            .unwrap()
            .len(),
        2
    );

    // The lookup finds the live key and its owner; a use is recorded.
    let (key, user) = service::ssh_keys::lookup(db, ED25519_FP)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((key.id, user.id), (k.id, AWA));
    assert!(service::ssh_keys::mark_used(db, k.id).await.unwrap());
    assert!(
        service::ssh_keys::lookup(db, ECDSA_FP)
            .await
            .unwrap()
            .is_none()
    );

    // Finance may not revoke either.
    let e = service::ssh_keys::revoke(db, Some(&finance), &o, &email(AWA), ED25519_FP)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("users.manage"), "{e}");
    assert!(
        service::ssh_keys::lookup(db, ED25519_FP)
            .await
            .unwrap()
            .is_some()
    );

    // Revoked: never returned by the lookup, never marked used, kept in the list.
    assert!(
        service::ssh_keys::revoke(db, Some(&admin), &o, &email(AWA), ED25519_FP)
            .await
            .unwrap()
    );
    assert!(
        service::ssh_keys::lookup(db, ED25519_FP)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!service::ssh_keys::mark_used(db, k.id).await.unwrap());
    assert!(
        !service::ssh_keys::revoke(db, Some(&admin), &o, &email(AWA), ED25519_FP)
            .await
            .unwrap()
    );
    let listed = service::ssh_keys::list(db, &email(AWA)).await.unwrap();
    let revoked = listed.iter().find(|x| x.id == k.id).unwrap();
    assert!(revoked.revoked_at.is_some() && revoked.last_used_at.is_some());
    assert_eq!(revoked.revoked_by, Some(admin_id));
    assert!(
        service::ssh_keys::lookup(db, RSA_FP)
            .await
            .unwrap()
            .is_some()
    );
    // Someone else's fingerprint is not found under this person.
    let e = service::ssh_keys::revoke(db, Some(&admin), &o, &email(FATOU), RSA_FP)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound { .. }), "{e}");
}

#[tokio::test]
async fn who_may_register_and_revoke_keys_and_what_the_lookup_returns() {
    on_all!(|db| rules(&db).await);
}

#[tokio::test]
async fn keys_from_the_command_line() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    // `obryl --as WHO user key ARGS…`
    let key = |who: &str, args: &[&str]| {
        let mut all = vec!["--as", who, "user", "key"];
        all.extend_from_slice(args);
        common::cli::obryl(&path, &all)
    };

    let o = key(
        "finance@obryl.test",
        &["add", "support@obryl.test", "--key", ED25519],
    );
    assert_eq!(code(&o), Some(1), "{}", text(&o));
    assert!(text(&o).contains("users.manage"), "{}", text(&o));

    let o = key(
        "admin@obryl.test",
        &["add", "support@obryl.test", "--key", "ssh-dss AAAA"],
    );
    assert_ne!(code(&o), Some(0), "{}", text(&o));
    assert!(text(&o).contains("not accepted"), "{}", text(&o));

    let o = key(
        "admin@obryl.test",
        &["add", "support@obryl.test", "--key", ED25519],
    );
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert!(text(&o).contains(ED25519_FP), "{}", text(&o));

    let file = dir.path().join("id_rsa.pub");
    std::fs::write(&file, format!("# mine\n\n{RSA}\n")).unwrap();
    let file = file.display().to_string();
    let o = key(
        "admin@obryl.test",
        &["add", "support@obryl.test", "--key-file", &file, "--json"],
    );
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert_eq!(json(&o)["fingerprint"], RSA_FP);

    let o = key(
        "admin@obryl.test",
        &["revoke", "support@obryl.test", ED25519_FP],
    );
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert!(text(&o).contains("revoked"), "{}", text(&o));

    let o = key(
        "support@obryl.test",
        &["list", "support@obryl.test", "--json"],
    );
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let list = json(&o);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["fingerprint"], ED25519_FP);
    assert!(list[0]["revoked_at"].is_string());
    assert!(list[1]["revoked_at"].is_null());
    assert_eq!(list[1]["algorithm"], "ssh-rsa");

    let o = key("support@obryl.test", &["list", "support@obryl.test"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains(RSA_FP) && text(&o).contains("live"),
        "{}",
        text(&o)
    );

    let o = key(
        "admin@obryl.test",
        &["revoke", "support@obryl.test", "SHA256:nothing"],
    );
    assert_eq!(code(&o), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("No SSH key SHA256:nothing"),
        "{}",
        text(&o)
    );
}

/// The Users view's detail lists a staff member's live keys to staff holding users.manage.
#[tokio::test]
async fn the_users_detail_lists_live_keys() {
    use common::ui::Harness;
    use crossterm::event::KeyCode;
    use obryl::domain::Locale;
    use obryl::ui::screens::TabId;

    let (db, _dir) = demo_db().await;
    let o = Origin::operator();
    let who = "support2@obryl.test";
    service::ssh_keys::add(&db, None, &o, who, ED25519)
        .await
        .unwrap();
    service::ssh_keys::add(&db, None, &o, who, ECDSA)
        .await
        .unwrap();
    service::ssh_keys::revoke(&db, None, &o, who, ECDSA_FP)
        .await
        .unwrap();

    let mut h = Harness::new(&db, "admin@obryl.test", Locale::En, TabId::Projects).await;
    h.char(':').await;
    h.type_text("users support2").await;
    h.key(KeyCode::Enter).await;
    h.key(KeyCode::Enter).await;
    let d = &h.app.screens.users.detail;
    assert!(d.open && d.error.is_none(), "{:?}", d.error);
    let text = h.render(120, 60);
    assert!(text.contains("SSH keys"), "{text}");
    assert!(text.contains("ssh-ed25519 · awa@laptop"), "{text}");
    assert!(!text.contains("ecdsa-sha2-nistp256"), "{text}");

    // Not to staff without users.manage.
    let mut h = Harness::new(&db, "finance@obryl.test", Locale::En, TabId::Projects).await;
    h.char(':').await;
    h.type_text("users support2").await;
    h.key(KeyCode::Enter).await;
    h.key(KeyCode::Enter).await;
    assert!(h.app.screens.users.detail.open);
    let text = h.render(120, 60);
    assert!(!text.contains("SSH keys"), "{text}");
}

/// The Users view: `K` registers a key typed into its prompt, `D` offers the person's live
/// keys and revokes the one chosen once confirmed, ending the sessions it opened; staff
/// without `users.manage` are refused, the permission named.
#[tokio::test]
async fn the_users_view_registers_and_revokes_keys() {
    use common::ui::Harness;
    use crossterm::event::KeyCode;
    use obryl::domain::Locale;
    use obryl::ui::popup::Popup;
    use obryl::ui::screens::TabId;
    use obryl::ui::widgets::toast::Level;

    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "admin@obryl.test", Locale::En, TabId::Projects).await;
    h.char(':').await;
    h.type_text("users support@").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("Fatou's row", |app| app.screens.users.list.rows.len() == 1)
        .await;
    let fatou = h.app.screens.users.list.rows[0].id;

    h.char('K').await;
    assert!(matches!(h.app.popup, Some(Popup::Prompt { .. })));
    h.type_text(ED25519).await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the registration", |app| app.toast.is_some())
        .await;
    let said = h.app.toast.take().unwrap();
    assert_eq!(said.level, Level::Success, "{}", said.text);
    assert!(said.text.contains(ED25519_FP), "{}", said.text);
    assert_eq!(keys_of(&db, fatou).await, 1);

    // A session opened with the key, to see it end with the key.
    let origin = Origin::connection("ssh", "192.0.2.9:4000".parse().unwrap());
    let ttl = chrono::Duration::hours(1);
    let opened = service::ssh_login::open(&db, &origin, ED25519_FP, ttl)
        .await
        .unwrap();
    let session = opened.actor.session_id.unwrap();

    h.char('D').await;
    h.pump_until("the keys to choose from", |app| {
        matches!(
            &app.popup,
            Some(Popup::Picker {
                options: Some(_),
                ..
            })
        )
    })
    .await;
    h.key(KeyCode::Enter).await;
    match &h.app.popup {
        Some(Popup::Confirm { question, .. }) => {
            assert!(question.contains(ED25519_FP) && question.contains("Fatou Sow"));
        }
        _ => panic!("a confirmation"),
    }
    h.char('y').await;
    h.pump_until("the revocation", |app| app.toast.is_some())
        .await;
    let said = h.app.toast.take().unwrap();
    assert_eq!(said.level, Level::Success, "{}", said.text);
    let lookup = service::ssh_keys::lookup(&db, ED25519_FP).await.unwrap();
    assert!(lookup.is_none(), "a revoked key no longer authenticates");
    let row = store::access::session(&mut db.clone(), session)
        .await
        .unwrap()
        .unwrap();
    assert!(row.revoked_at.is_some(), "the key's session ended with it");

    // Finance may not: refused, naming the permission, nothing asked.
    let mut f = Harness::new(&db, "finance@obryl.test", Locale::En, TabId::Projects).await;
    f.char(':').await;
    f.type_text("users").await;
    f.key(KeyCode::Enter).await;
    f.pump_until("the users", |app| !app.screens.users.list.rows.is_empty())
        .await;
    f.char('K').await;
    assert!(f.app.popup.is_none());
    let toast = f.app.toast.as_ref().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    assert!(toast.text.contains("users.manage"), "{}", toast.text);
}

#[tokio::test]
async fn ssh_logins_are_checked_when_offered_throttled_and_end_with_their_key() {
    on_all!(|db| ssh_logins(&db).await);
}

async fn ssh_logins(db: &Db) {
    use obryl::domain::ThrottlePolicy;
    use obryl::store::access::AttemptsOf;
    fixtures::world(db).await;
    let admin_id = admin(db).await;
    let admin = fixtures::actor(db, admin_id).await;
    service::ssh_keys::add(db, Some(&admin), &Origin::cli(), &email(AWA), ED25519)
        .await
        .unwrap();
    let policy = ThrottlePolicy::default();
    let from = |ip: &str| Origin::connection("ssh", format!("{ip}:2200").parse().unwrap());
    let failures = |origin: Origin| async move {
        let since = chrono::Utc::now() - chrono::Duration::hours(1);
        store::access::failures(&mut db.clone(), AttemptsOf::Source(&origin.source), since)
            .await
            .unwrap()
            .len()
    };

    // A known key passes the offer; an unknown one is a failed login from that address.
    let known = service::ssh_login::offered(db, &from("192.0.2.1"), &policy, ED25519_FP)
        .await
        .unwrap();
    assert_eq!(known.user.id, AWA);
    for _ in 0..policy.after {
        let e = service::ssh_login::offered(db, &from("192.0.2.2"), &policy, RSA_FP)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::InvalidCredentials), "{e}");
    }
    assert_eq!(failures(from("192.0.2.2")).await, policy.after);
    // That address is throttled now, even with a good key; another is not.
    let e = service::ssh_login::offered(db, &from("192.0.2.2"), &policy, ED25519_FP)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Throttled { .. }), "{e}");

    // A proven key's refusal is audited on the account, not counted as a failed login.
    let o = from("192.0.2.1");
    let before = audits(db, AWA).await;
    service::ssh_login::refused(db, &o, &known.user, ED25519_FP, "exec")
        .await
        .unwrap();
    assert_eq!(audits(db, AWA).await, before + 1);
    assert_eq!(failures(from("192.0.2.1")).await, 0);

    // The session it opens is tied to the key: revoking the key ends it.
    let logged = service::ssh_login::open(db, &o, ED25519_FP, chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(logged.actor.id, AWA);
    let session = logged.actor.session_id.unwrap();
    let row = store::access::session(&mut db.clone(), session)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.source.as_deref(), Some("ssh:192.0.2.1"));
    assert!(row.revoked_at.is_none());
    let revoked = service::ssh_keys::revoke(db, Some(&admin), &o, &email(AWA), ED25519_FP)
        .await
        .unwrap();
    assert!(revoked);
    let row = store::access::session(&mut db.clone(), session)
        .await
        .unwrap()
        .unwrap();
    assert!(row.revoked_at.is_some(), "ended with its key");
    // And the key opens nothing any more.
    let e = service::ssh_login::open(db, &o, ED25519_FP, chrono::Duration::hours(1))
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::InvalidCredentials), "{e}");
}
