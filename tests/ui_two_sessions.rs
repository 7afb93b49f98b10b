//! Two staff members in one process on one database, as the SSH server will serve them: each
//! App has its own login, role, language, size and drafts, and one change feed serves both.
//! What one approves shows live in the other; ending one's session leaves the other working.

mod common;

use std::time::Duration;

use common::ui::{Harness, demo_db, options};
use crossterm::event::KeyCode;
use obryl::domain::{Locale, ThrottlePolicy};
use obryl::service::Origin;
use obryl::service::auth::{self, SessionKind};
use obryl::store::feed::Hub;
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::session::Session;
use tokio_util::sync::CancellationToken;

/// `email` logged in from `origin` with a live session, in `locale`, at `size`, drafts under
/// `drafts`.
async fn staff(
    db: &obryl::store::Db,
    hub: &Hub,
    origin: Origin,
    email: &str,
    locale: Locale,
    size: (u16, u16),
    drafts: &std::path::Path,
) -> Harness {
    let live = SessionKind::Live {
        ttl: chrono::Duration::hours(1),
    };
    let policy = ThrottlePolicy::default();
    let login = auth::login(db, email, "demo", &origin, &policy, live)
        .await
        .unwrap();
    let mut opts = options(locale, TabId::Commissions);
    opts.drafts_dir = Some(drafts.to_path_buf());
    let session = Session::new(origin, &opts, None);
    let mut h = Harness::with_session(db, email, opts, session).await;
    h.app.rights_changed(login.actor);
    obryl::ui::follow_feed(hub, h.app.events.clone());
    h.resize(size.0, size.1);
    h.pump().await;
    h
}

/// The text of the reject composer open in `h`.
fn composed(h: &Harness) -> String {
    match &h.app.popup {
        Some(Popup::Compose { composer, .. }) => composer.text(),
        _ => panic!("the reject composer is open"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_staff_in_one_process_each_with_their_own_session() {
    let (db, dir) = demo_db().await;
    let cancel = CancellationToken::new();
    let hub = Hub::start(db.clone(), cancel.clone(), Duration::from_millis(50)).await;
    let drafts = dir.path().join("drafts");
    // Awa comes through the network, the admin sits at this machine's terminal.
    let peer: std::net::SocketAddr = "192.0.2.7:40022".parse().unwrap();
    let mut awa = staff(
        &db,
        &hub,
        Origin::connection("ssh", peer),
        "finance@obryl.test",
        Locale::En,
        (160, 45),
        &drafts,
    )
    .await;
    let mut admin = staff(
        &db,
        &hub,
        Origin::tui(),
        "admin@obryl.test",
        Locale::Fr,
        (80, 24),
        &drafts,
    )
    .await;
    // The feed takes its starting point before any change below.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Both on the same pending commission, one approver needed, not requested by Awa.
    let awa_id = awa.app.session.actor.as_ref().unwrap().id;
    let target = awa
        .app
        .screens
        .commissions
        .list
        .rows
        .iter()
        .find(|r| !r.needs_two() && r.status == "pending" && r.requested_by != awa_id)
        .map(|r| r.id)
        .expect("a pending commission for one approver");
    for h in [&mut awa, &mut admin] {
        while h.app.screens.commissions.list.current().map(|r| r.id) != Some(target) {
            h.char('j').await;
        }
    }

    // Each drafts a rejection reason on it: two drafts, one per person.
    awa.char('r').await;
    awa.type_text("montant à revoir").await;
    admin.char('r').await;
    admin.type_text("hors périmètre").await;
    awa.key(KeyCode::Esc).await;
    admin.key(KeyCode::Esc).await;
    awa.char('r').await;
    admin.char('r').await;
    assert_eq!(composed(&awa), "montant à revoir");
    assert_eq!(composed(&admin), "hors périmètre");
    awa.key(KeyCode::Esc).await;
    admin.key(KeyCode::Esc).await;

    // Awa approves it; the admin's list shows it live, without a key pressed.
    awa.char('a').await;
    awa.pump_until("the confirmation", |app| {
        matches!(app.popup, Some(Popup::Confirm { .. }))
    })
    .await;
    awa.char('y').await;
    awa.pump_until("the approval", |app| {
        app.toast
            .as_ref()
            .is_some_and(|t| t.text.contains("approved"))
    })
    .await;
    admin
        .pump_until("the approval to show in the other App", |app| {
            app.screens
                .commissions
                .list
                .rows
                .iter()
                .all(|r| r.id != target || r.status != "pending")
        })
        .await;
    let seen = admin.render(80, 24);
    assert!(seen.contains("Commissions"), "{seen}");
    // The approval's audit row names the connection it came through (Awa's session's origin).
    let obryl::store::Db::Sqlite(pool) = &db else {
        panic!("the demo is SQLite")
    };
    let channel: String =
        sqlx::query_scalar("SELECT url FROM audit_logs WHERE event = 'approved' ORDER BY id DESC")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(channel, "ssh");

    // Awa's session is ended elsewhere: her next action takes her to the login screen; the
    // admin's App goes on.
    let admin_actor = common::ui::actor(&db, "admin@obryl.test").await;
    auth::revoke(&db, &admin_actor, &Origin::cli(), awa_id, None)
        .await
        .unwrap();
    awa.char('a').await;
    if matches!(awa.app.popup, Some(Popup::Confirm { .. })) {
        awa.char('y').await;
    }
    awa.pump_until("Awa's login screen", |app| app.login.is_some())
        .await;
    admin.char('j').await;
    admin.char('r').await;
    assert!(admin.app.login.is_none(), "the other session is untouched");
    assert!(matches!(admin.app.popup, Some(Popup::Compose { .. })));
    cancel.cancel();
}
