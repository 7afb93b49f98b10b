//! The views opened from the palette: Users (profiles, roles, grant and revoke) and Reviews
//! (moderation), driven by keys on the seeded demo as a staff member would, with snapshots.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test ui_views`.

mod common;

use common::ui::{Harness, demo_db};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::store::{self, Db};
use obryl::ui::popup::Popup;
use obryl::ui::screens::{Effect, TabId};
use obryl::ui::widgets::toast::Level;

const OPS: &str = "ops@obryl.test";
const SUPPORT: &str = "support@obryl.test";

async fn command(h: &mut Harness, line: &str) {
    h.char(':').await;
    h.type_text(line).await;
    h.key(KeyCode::Enter).await;
}

async fn filter(h: &mut Harness, text: &str) {
    h.char('/').await;
    h.type_text(text).await;
    h.key(KeyCode::Enter).await;
}

fn footer(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

/// Moves a picker's cursor to the option labelled `label` and chooses it.
async fn pick(h: &mut Harness, label: &str) {
    let index = match &h.app.popup {
        Some(Popup::Picker {
            options: Some(o), ..
        }) => o.iter().position(|(l, _)| l == label),
        _ => None,
    }
    .unwrap_or_else(|| panic!("a picker offering {label:?}"));
    for _ in 0..index {
        h.char('j').await;
    }
    h.key(KeyCode::Enter).await;
}

async fn success(h: &mut Harness, what: &str) -> String {
    h.pump_until(what, |app| app.toast.is_some()).await;
    let toast = h.app.toast.take().unwrap();
    assert_eq!(toast.level, Level::Success, "{what}: {}", toast.text);
    toast.text
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
async fn users_view_shows_profiles_and_comes_back() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, OPS, Locale::En, TabId::Projects).await;
    command(&mut h, "users").await;
    assert_eq!(h.app.tab, TabId::Users);
    let text = h.render(120, 40);
    assert!(text.lines().next().unwrap().contains("Users"), "{text}");
    assert!(footer(&text).contains("+ grant a role"), "{text}");
    insta::assert_snapshot!("users_view_en_120x40", text);

    filter(&mut h, "type:developer availability:busy").await;
    let rows = &h.app.screens.users.list.rows;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| {
        r.developer
            .as_ref()
            .is_some_and(|d| d.availability == "busy")
    }));

    h.key(KeyCode::Enter).await;
    let d = &h.app.screens.users.detail;
    assert!(d.open && d.error.is_none(), "{:?}", d.error);
    let text = h.render(120, 40);
    for needle in ["Developer profile", "Capacity", "Payout", "••••", "History"] {
        assert!(text.contains(needle), "detail shows {needle:?}:\n{text}");
    }
    insta::assert_snapshot!("users_detail_en_120x40", text);

    // Esc closes the detail, then the filter stays and Esc returns to where :users was typed.
    h.key(KeyCode::Esc).await;
    assert!(!h.app.screens.users.detail.open);
    h.key(KeyCode::Esc).await;
    assert_eq!(h.app.tab, TabId::Projects);
}

#[tokio::test]
async fn users_view_in_french_at_80_columns() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, OPS, Locale::Fr, TabId::Workload).await;
    h.resize(80, 24);
    command(&mut h, "users").await;
    let text = h.render(80, 24);
    assert!(
        text.lines().next().unwrap().contains("Utilisateurs"),
        "{text}"
    );
    for line in text.lines().skip(2).take(21) {
        assert_eq!(unicode_width::UnicodeWidthStr::width(line), 80, "{line:?}");
    }
    insta::assert_snapshot!("users_view_fr_80x24", text);
    // Tab from a view moves on from the tab it was opened on.
    h.key(KeyCode::Tab).await;
    assert_eq!(h.app.tab, TabId::Tickets);
}

#[tokio::test]
async fn ops_grant_and_revoke_a_role_support_is_not_offered_it() {
    let (db, _dir) = demo_db().await;
    let email = "support2@obryl.test";
    let mut h = Harness::new(&db, OPS, Locale::En, TabId::Projects).await;
    command(&mut h, "users support2").await;
    let rows = &h.app.screens.users.list.rows;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].email, email);

    h.char('+').await;
    match &h.app.popup {
        Some(Popup::Picker {
            options: Some(o), ..
        }) => {
            assert!(o.iter().all(|(l, then)| l != "support"
                && matches!(then, Effect::Confirm { .. } | Effect::Refuse(_))));
        }
        _ => panic!("a role picker"),
    }
    // Ops may not hand out editor (articles.*), and is told so before any confirmation.
    pick(&mut h, "editor").await;
    assert!(h.app.popup.is_none());
    let toast = h.app.toast.take().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    assert!(toast.text.contains("articles.edit"), "{}", toast.text);
    assert_eq!(roles(&db, email).await, vec!["support"]);

    // Ops may hand out ops: the confirmation lists what the role carries.
    h.char('+').await;
    pick(&mut h, "ops").await;
    match &h.app.popup {
        Some(Popup::Confirm { question, .. }) => {
            assert!(question.contains("users.manage"), "{question}");
            assert!(question.contains("Koffi Kouassi"), "{question}");
        }
        _ => panic!("a confirmation"),
    }
    h.char('y').await;
    let toast = success(&mut h, "the grant").await;
    assert!(toast.contains("is now ops"), "{toast}");
    assert_eq!(roles(&db, email).await, vec!["ops", "support"]);
    assert_eq!(
        h.app.screens.users.list.rows[0].roles,
        vec!["ops", "support"]
    );

    h.char('-').await;
    pick(&mut h, "ops").await;
    h.char('y').await;
    success(&mut h, "the revocation").await;
    assert_eq!(roles(&db, email).await, vec!["support"]);
    let user = store::users::find_by_email(&mut db.clone(), email)
        .await
        .unwrap()
        .unwrap();
    for event in ["role_granted", "role_revoked"] {
        let n = store::audit::count_for(&mut db.clone(), "user", user.id, Some(event))
            .await
            .unwrap();
        assert_eq!(n, 1, "{event} audited once");
    }

    // Support: the keys are not offered and do nothing but say so.
    let mut s = Harness::new(&db, SUPPORT, Locale::En, TabId::Tickets).await;
    command(&mut s, "users").await;
    let text = s.render(120, 40);
    assert!(!footer(&text).contains("grant"), "{text}");
    s.char('+').await;
    assert!(s.app.popup.is_none());
    let toast = s.app.toast.as_ref().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    // The refusal names the permission the key needs.
    assert!(toast.text.contains("users.manage"), "{}", toast.text);
}

#[tokio::test]
async fn reviews_view_hides_with_a_reason_and_shows_again() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, OPS, Locale::En, TabId::Projects).await;
    command(&mut h, "reviews rating:1,2 visible").await;
    assert_eq!(h.app.tab, TabId::Reviews);
    let rows = h.app.screens.reviews.list.rows.clone();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.rating <= 2 && r.hidden_at.is_none()));
    let target = rows[0].clone();
    h.key(KeyCode::Enter).await;
    let text = h.render(120, 40);
    for needle in ["Moderation", "Shown on the platform", "H hide"] {
        assert!(text.contains(needle), "shows {needle:?}:\n{text}");
    }
    insta::assert_snapshot!("reviews_detail_en_120x40", text);

    // An empty reason is refused in place; a real one hides the review, audited.
    h.char('H').await;
    assert!(matches!(h.app.popup, Some(Popup::Compose { .. })));
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    assert!(matches!(h.app.popup, Some(Popup::Compose { .. })));
    h.type_text("Propos injurieux envers le client").await;
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    let toast = success(&mut h, "the hide").await;
    assert!(toast.contains(&format!("#{}", target.id)), "{toast}");
    let after = store::reviews::get(&mut db.clone(), target.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after.hidden_reason.as_deref(),
        Some("Propos injurieux envers le client")
    );
    assert_eq!(after.hidden_by_name.as_deref(), Some("Sékou Keïta"));
    assert!(
        h.app
            .screens
            .reviews
            .list
            .rows
            .iter()
            .all(|r| r.id != target.id),
        "no longer among the visible ones"
    );

    // Shown again, after a confirmation.
    command(&mut h, "filter hidden").await;
    let index = h
        .app
        .screens
        .reviews
        .list
        .rows
        .iter()
        .position(|r| r.id == target.id)
        .unwrap_or_else(|| panic!("listed among the hidden:\n{}", h.render(120, 40)));
    for _ in 0..index {
        h.char('j').await;
    }
    h.char('U').await;
    assert!(matches!(h.app.popup, Some(Popup::Confirm { .. })));
    h.char('y').await;
    success(&mut h, "the restore").await;
    let after = store::reviews::get(&mut db.clone(), target.id)
        .await
        .unwrap()
        .unwrap();
    assert!(after.hidden_at.is_none());
    for event in ["hidden", "restored"] {
        let n = store::audit::count_for(&mut db.clone(), "review", target.id, Some(event))
            .await
            .unwrap();
        assert_eq!(n, 1, "{event} audited once");
    }
}

#[tokio::test]
async fn support_cannot_moderate_reviews() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, SUPPORT, Locale::Fr, TabId::Tickets).await;
    command(&mut h, "reviews").await;
    let text = h.render(120, 40);
    assert!(text.lines().next().unwrap().contains("Avis"), "{text}");
    assert!(!footer(&text).contains("masquer"), "{text}");
    insta::assert_snapshot!("reviews_view_fr_120x40", text);
    h.char('H').await;
    assert!(h.app.popup.is_none());
    assert!(
        h.app
            .toast
            .as_ref()
            .is_some_and(|t| t.level == Level::Error)
    );
}

#[tokio::test]
async fn ops_mark_a_developer_busy_from_the_users_view() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, OPS, Locale::En, TabId::Workload).await;
    command(&mut h, "users type:developer availability:available").await;
    let dev = h.app.screens.users.list.rows[0].clone();
    let text = h.render(120, 40);
    assert!(footer(&text).contains("t status"), "{text}");
    h.char('t').await;
    pick(&mut h, "busy").await;
    let toast = success(&mut h, "the availability change").await;
    assert!(toast.contains("busy"), "{toast}");
    let p = store::users::developer_profile(&mut db.clone(), dev.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.availability, "busy");
    assert!(
        h.app.screens.users.list.rows.iter().all(|r| r.id != dev.id),
        "no longer among the available"
    );
}

#[tokio::test]
async fn capacity_from_the_palette_refused_with_numbers_then_saved() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, OPS, Locale::En, TabId::Workload).await;
    // The most loaded developer this week.
    h.char('s').await;
    let dev = h.app.screens.workload.list.rows[0].clone();
    let planned = dev.weeks[0];
    assert!(planned > 0);
    command(&mut h, &format!("capacity {} {}", dev.dev.id, planned - 1)).await;
    h.pump_until("the refusal", |app| app.toast.is_some()).await;
    let toast = h.app.toast.take().unwrap();
    assert_eq!(toast.level, Level::Error);
    assert!(
        toast.text.contains(&format!("{planned} h planned")),
        "{}",
        toast.text
    );
    command(
        &mut h,
        &format!("capacity {} {} 4", dev.dev.id, planned + 5),
    )
    .await;
    success(&mut h, "the capacity").await;
    let p = store::users::developer_profile(&mut db.clone(), dev.dev.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.weekly_capacity_hours, p.max_active_projects),
        (planned + 5, 4)
    );
    let row = h
        .app
        .screens
        .workload
        .list
        .rows
        .iter()
        .find(|r| r.dev.id == dev.dev.id)
        .unwrap();
    assert_eq!(
        row.dev.weekly_capacity_hours,
        planned + 5,
        "the grid shows it"
    );
}

#[tokio::test]
async fn support_links_a_ticket_to_one_of_the_requesters_projects() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, SUPPORT, Locale::En, TabId::Tickets).await;
    // The first ticket whose requester has projects.
    let mut chosen = None;
    for _ in 0..h.app.screens.tickets.list.rows.len().min(15) {
        h.char('L').await;
        let offered = match &h.app.popup {
            Some(Popup::Picker {
                options: Some(o), ..
            }) => o.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>(),
            other => panic!("a project picker, got {}", other.is_some()),
        };
        let ticket = h.app.screens.tickets.list.current().cloned().unwrap();
        // "#12 Title · status": the project's id leads its label.
        let target = offered.iter().find_map(|label| {
            let id = label
                .strip_prefix('#')?
                .split(' ')
                .next()?
                .parse::<i64>()
                .ok()?;
            (ticket.project_id != Some(id)).then(|| (label.clone(), id))
        });
        if let Some((label, id)) = target {
            chosen = Some((ticket, label, id));
            break;
        }
        h.key(KeyCode::Esc).await;
        h.char('j').await;
    }
    let (ticket, label, project) = chosen.expect("a requester with a project");
    pick(&mut h, &label).await;
    success(&mut h, "the link").await;
    let row = store::tickets::get(&mut db.clone(), ticket.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.project_id, Some(project));
    let n = store::audit::count_for(
        &mut db.clone(),
        "support_ticket",
        ticket.id,
        Some("updated"),
    )
    .await
    .unwrap();
    assert!(n >= 1, "audited");
}

#[tokio::test]
async fn hostile_names_never_drive_the_terminal_in_the_users_view() {
    let (db, _dir) = demo_db().await;
    let mut tx = db.begin().await.unwrap();
    store::bulk::insert_rows(
        &mut tx,
        "users",
        &["name", "email", "password", "created_at"],
        vec![vec![
            "Evil \u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}nosrep".into(),
            "evil@example.test".into(),
            "x".into(),
            chrono::Utc::now().into(),
        ]],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut h = Harness::new(&db, OPS, Locale::En, TabId::Projects).await;
    command(&mut h, "users evil@").await;
    assert_eq!(h.app.screens.users.list.rows.len(), 1);
    h.key(KeyCode::Enter).await;
    let buf = h.render_buffer(120, 40);
    let symbols = common::ui::raw_symbols(&buf);
    for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!symbols.contains(bad), "{bad:?} reached the screen");
    }
    for payload in ["]0;", "[2J"] {
        assert!(!symbols.contains(payload), "{payload:?} reached the screen");
    }
    assert!(common::ui::buffer_text(&buf).contains("Evil"));
}

/// A closed ticket is never reopened: `c` offers a follow-up linked to it (the message is its
/// first reply), `i` is refused at once, and both tickets name each other.
#[tokio::test]
async fn support_follows_up_a_closed_ticket() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, SUPPORT, Locale::En, TabId::Tickets).await;
    h.char('/').await;
    // The bar opens on the current filter: start from nothing.
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text("status:closed").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("closed tickets", |app| {
        app.screens
            .tickets
            .list
            .rows
            .first()
            .is_some_and(|r| r.status == "closed")
    })
    .await;
    let closed = h.app.screens.tickets.list.current().cloned().unwrap();
    assert_eq!(closed.status, "closed");

    h.char('i').await;
    assert!(h.app.popup.is_none(), "no composer for a note");
    let toast = h.app.toast.take().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    assert!(toast.text.contains("is closed"), "{}", toast.text);

    h.char('c').await;
    assert!(matches!(h.app.popup, Some(Popup::Compose { .. })));
    let text = h.render(120, 40);
    assert!(text.contains("is closed: follow-up for"), "{text}");
    h.type_text("Nous reprenons votre demande ici.").await;
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    let said = success(&mut h, "the follow-up").await;
    assert!(said.starts_with("Follow-up TCK-"), "{said}");

    let (_, follow_ups) = store::tickets::follow_links(&mut db.clone(), closed.id)
        .await
        .unwrap();
    assert_eq!(follow_ups.len(), 1);
    let (id, reference) = follow_ups[0].clone();
    assert!(said.contains(&reference), "{said}");
    let new = store::tickets::get(&mut db.clone(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            new.status.as_str(),
            new.requester_id,
            new.assignee_name.as_deref()
        ),
        ("open", closed.requester_id, Some("Fatou Sow"))
    );
    assert!(new.first_responded_at.is_some(), "the message answered it");
    let closed_now = store::tickets::get(&mut db.clone(), closed.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        closed_now.status, "closed",
        "the closed ticket stays closed"
    );
    let n = store::audit::count_for(
        &mut db.clone(),
        "support_ticket",
        closed.id,
        Some("followed_up"),
    )
    .await
    .unwrap();
    assert_eq!(n, 1, "the closed ticket's history says so");
}

/// Ops posts a message to a project's parties from its detail (`c`), and an internal note
/// (`i`): both land in the project's conversation, only the message notifies the client.
#[tokio::test]
async fn ops_posts_in_a_project_conversation() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, OPS, Locale::En, TabId::Projects).await;
    let project = h.app.screens.projects.list.current().cloned().unwrap();
    let unread = || async {
        store::notifications::unread_count(&mut db.clone(), project.client_id)
            .await
            .unwrap()
    };
    let before = unread().await;
    h.char('c').await;
    assert!(matches!(h.app.popup, Some(Popup::Compose { .. })));
    h.type_text("Bonjour, la livraison est prévue vendredi.")
        .await;
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    success(&mut h, "the message").await;
    h.char('i').await;
    h.type_text("Client à relancer lundi.").await;
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    success(&mut h, "the note").await;
    let conv = store::messages::conversation_of(&mut db.clone(), "project", project.id)
        .await
        .unwrap()
        .expect("a conversation");
    let messages = store::messages::latest(&mut db.clone(), conv, 5, true)
        .await
        .unwrap();
    let last: Vec<(&str, bool)> = messages
        .iter()
        .rev()
        .take(2)
        .map(|m| (m.body.as_str(), m.is_internal))
        .collect();
    assert_eq!(
        last,
        vec![
            ("Client à relancer lundi.", true),
            ("Bonjour, la livraison est prévue vendredi.", false)
        ]
    );
    assert_eq!(unread().await, before + 1, "only the message notifies");
}
