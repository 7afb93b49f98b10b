//! Rights in an open TUI: a role removed elsewhere drops the keys when the change feed reports
//! it and refuses the next action; a session ended elsewhere goes back to the login screen and
//! keeps the composer's text; the Audit log is not the editor's.

mod common;

use common::ui::{Harness, demo_db};
use crossterm::event::KeyCode;
use obryl::domain::{Locale, Role, ThrottlePolicy};
use obryl::service::auth::{self, SessionKind};
use obryl::service::commissions::Kind;
use obryl::service::{self, Origin};
use obryl::store::{self, Db, feed::Change};
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;

fn footer(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

async fn user_id(db: &Db, email: &str) -> i64 {
    store::users::find_by_email(&mut db.clone(), email)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// What the feed delivers after a write about `user`: the latest audit row on them.
async fn feed_change(db: &Db, user: i64) -> Change {
    let row = store::audit::history(&mut db.clone(), "user", user, 1)
        .await
        .unwrap()
        .remove(0);
    Change::Audit {
        id: row.id,
        event: row.event,
        auditable_type: row.auditable_type,
        auditable_id: row.auditable_id,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_role_drops_the_keys_and_refuses_the_next_action() {
    let (db, _dir) = demo_db().await;
    let email = "finance2@obryl.test";
    // Ibrahima also answers tickets: losing finance leaves him a staff member.
    let admin = common::ui::actor(&db, "admin@obryl.test").await;
    service::users::set_role(
        &db,
        Some(&admin),
        &Origin::cli(),
        email,
        Role::Support,
        true,
    )
    .await
    .unwrap();
    let mut h = Harness::new(&db, email, Locale::En, TabId::Commissions).await;
    let text = h.render(120, 40);
    assert!(footer(&text).contains("approve"), "{text}");
    let first = h.app.screens.commissions.list.rows[0].clone();

    // Aminata removes the finance role from another program.
    service::users::set_role(
        &db,
        Some(&admin),
        &Origin::cli(),
        email,
        Role::Finance,
        false,
    )
    .await
    .unwrap();

    // Pressed before the feed arrives: refused by the service, with who and when; nothing
    // written. (The key was still offered: the snapshot had the role.)
    h.char('a').await;
    if matches!(h.app.popup, Some(Popup::Confirm { .. })) {
        h.char('y').await;
        h.pump_until("the refusal", |app| app.toast.is_some()).await;
        let toast = h.app.toast.take().unwrap();
        assert_eq!(toast.level, Level::Error);
        assert!(
            toast.text.contains("finance role was removed") && toast.text.contains("Aminata"),
            "{}",
            toast.text
        );
    }
    let after = store::commissions::get(&mut db.clone(), Kind::Platform, first.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after.lock_version, first.lock_version,
        "nothing was written"
    );

    // The feed's change re-reads the rights: the money keys leave the footer and the help.
    let change = feed_change(&db, user_id(&db, email).await).await;
    h.app.on_change(change);
    h.pump_until("the new rights", |app| {
        app.session
            .actor
            .as_ref()
            .is_some_and(|a| !a.roles.contains(&Role::Finance))
    })
    .await;
    let text = h.render(120, 40);
    assert!(!footer(&text).contains("approve"), "{text}");
    h.char('a').await;
    assert!(h.app.popup.is_none());
    let toast = h.app.toast.take().unwrap();
    assert!(toast.text.contains("commissions.approve"), "{}", toast.text);

    // Without any staff role left, the back-office closes: the login screen says why.
    service::users::set_role(
        &db,
        Some(&admin),
        &Origin::cli(),
        email,
        Role::Support,
        false,
    )
    .await
    .unwrap();
    let change = feed_change(&db, user_id(&db, email).await).await;
    h.app.on_change(change);
    h.pump_until("the login screen", |app| app.login.is_some())
        .await;
    let error = h.app.login.as_ref().and_then(|l| l.error.clone());
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("support role was removed")),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_session_goes_back_to_the_login_screen_keeping_the_draft() {
    let (db, _dir) = demo_db().await;
    let email = "support@obryl.test";
    let policy = ThrottlePolicy::default();
    let live = SessionKind::Live {
        ttl: chrono::Duration::hours(1),
    };
    let login = auth::login(&db, email, "demo", &Origin::tui(), &policy, live)
        .await
        .unwrap();
    let mut h = Harness::new(&db, email, Locale::En, TabId::Tickets).await;
    h.app.rights_changed(login.actor.clone());

    // A reply is being written when the session is ended elsewhere.
    h.char('c').await;
    assert!(matches!(h.app.popup, Some(Popup::Compose { .. })));
    h.type_text("Bonjour, nous regardons.").await;
    let admin = common::ui::actor(&db, "admin@obryl.test").await;
    auth::revoke(&db, &admin, &Origin::cli(), login.actor.id, None)
        .await
        .unwrap();
    h.key_mod(KeyCode::Char('s'), crossterm::event::KeyModifiers::CONTROL)
        .await;
    h.pump_until("the login screen", |app| app.login.is_some())
        .await;
    let login_screen = h.app.login.as_ref().unwrap();
    assert!(
        login_screen
            .error
            .as_deref()
            .is_some_and(|e| e.contains("login was ended") && e.contains("Aminata")),
        "{:?}",
        login_screen.error
    );
    assert_eq!(login_screen.email.text(), email);
    // The composer and its text wait under the login screen.
    match &h.app.popup {
        Some(Popup::Compose { composer, .. }) => {
            assert!(composer.text().contains("nous regardons"))
        }
        other => panic!("the composer is kept, got {:?}", other.is_some()),
    }
}

#[tokio::test]
async fn the_audit_log_is_not_the_editors() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "editor@obryl.test", Locale::Fr, TabId::Projects).await;
    h.char('5').await;
    assert_eq!(h.app.tab, TabId::Projects);
    let toast = h.app.toast.take().expect("a refusal");
    assert!(toast.text.contains("audit.view"), "{}", toast.text);
    // Nor a record's history.
    h.char('h').await;
    assert_eq!(h.app.tab, TabId::Projects);
    // The tab bar leaves it out, and Tab steps over it.
    let text = h.render(120, 40);
    let bar = text.lines().next().unwrap_or_default();
    assert!(bar.contains(" 4 ") && !bar.contains(" 5 "), "{bar}");
    h.char('4').await;
    h.key(KeyCode::Tab).await;
    assert_eq!(h.app.tab, TabId::Projects);
}

/// Binds `action` to `key` alone, as the config's `[keys]` table would.
fn rebind(h: &mut Harness, action: &str, key: &str) {
    let bindings = std::collections::BTreeMap::from([(
        action.to_owned(),
        obryl::config::KeyBinding::One(key.into()),
    )]);
    let layers = obryl::ui::screens::TabId::layers();
    let (keymap, problems) = obryl::ui::keymap::Keymap::new(&bindings, &layers);
    assert!(problems.is_empty(), "{problems:?}");
    h.app.keymap = keymap;
}

async fn open_articles(h: &mut Harness) {
    h.char(':').await;
    h.type_text("articles").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the articles", |app| {
        app.tab == TabId::Articles && !app.screens.articles.list.rows.is_empty()
    })
    .await;
}

/// Popups move with the keymap's line keys: rebinding "down" moves a popup's cursor too.
#[tokio::test]
async fn popups_follow_the_keymap() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "finance@obryl.test", Locale::En, TabId::Projects).await;
    rebind(&mut h, "down", "ctrl-n");
    h.char('n').await;
    h.pump_until(
        "the notifications",
        |app| matches!(&app.popup, Some(Popup::Notifications { rows: Some(r), .. }) if r.len() > 1),
    )
    .await;
    h.key_mod(KeyCode::Char('n'), crossterm::event::KeyModifiers::CONTROL)
        .await;
    assert!(
        matches!(&h.app.popup, Some(Popup::Notifications { cursor: 1, .. })),
        "ctrl-n moved the cursor"
    );
}

/// The articles view's edit key comes from the keymap (`edit_article`, its name when it was a
/// popup's key, still binds it): rebound to `E` it opens the editor, `w` no longer does, and
/// the footer says `E`.
#[tokio::test]
async fn the_article_edit_key_is_rebindable() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "editor@obryl.test", Locale::En, TabId::Projects).await;
    rebind(&mut h, "edit_article", "E");
    open_articles(&mut h).await;
    let text = h.render(120, 40);
    assert!(text.contains("E edit"), "{text}");
    h.char('w').await;
    assert!(
        !matches!(h.app.popup, Some(Popup::Compose { .. })),
        "w no longer edits"
    );
    open_articles(&mut h).await;
    h.char('E').await;
    assert!(
        matches!(h.app.popup, Some(Popup::Compose { .. })),
        "E opens the editor"
    );
}

#[tokio::test]
async fn a_ticket_opened_by_someone_who_does_not_answer_tickets_says_nothing_unasked() {
    let (db, _dir) = demo_db().await;
    for email in ["finance@obryl.test", "ops@obryl.test"] {
        let mut h = Harness::new(&db, email, Locale::En, TabId::Tickets).await;
        h.pump_until("the tickets", |app| {
            !app.screens.tickets.list.rows.is_empty()
        })
        .await;
        h.key(KeyCode::Enter).await;
        h.pump_until("the ticket", |app| app.screens.tickets.detail.open)
            .await;
        // Several presence heartbeats' worth of ticks, with no key pressed.
        for _ in 0..24 {
            h.app.on_tick(common::ui::anchor());
            h.pump().await;
        }
        assert!(
            h.app.toast.is_none() && h.app.last_error.is_none(),
            "{email}: {:?}",
            h.app.toast.as_ref().map(|t| t.text.clone())
        );
    }
}

#[tokio::test]
async fn enter_on_an_empty_login_field_says_what_is_missing() {
    let (db, _dir) = demo_db().await;
    for (locale, email_word, password_word) in [
        (Locale::En, "e-mail address", "password"),
        (Locale::Fr, "adresse e-mail", "mot de passe"),
    ] {
        let mut h = Harness::login_screen(&db, locale).await;
        // Enter on the e-mail goes to the password; Enter there, with no e-mail, says so.
        h.key(KeyCode::Enter).await;
        h.key(KeyCode::Enter).await;
        let text = h.render(80, 24);
        assert!(text.contains(email_word), "{text}");
        assert!(h.app.login.as_ref().is_some_and(|l| l.focus == 0));
        h.type_text("finance@obryl.test").await;
        h.key(KeyCode::Enter).await;
        h.key(KeyCode::Enter).await;
        let text = h.render(80, 24);
        assert!(text.contains(password_word), "{text}");
        assert!(
            h.app
                .login
                .as_ref()
                .is_some_and(|l| !l.busy && l.focus == 1)
        );
    }
}
