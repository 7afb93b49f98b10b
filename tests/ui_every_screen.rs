//! What every screen does the same way: a filter without a match, errors that belong to the
//! screen they were made on, and articles that confirm what readers will see.

mod common;

use common::ui::{Harness, demo_db};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;

async fn filter(h: &mut Harness, text: &str) {
    h.char('/').await;
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text(text).await;
    h.key(KeyCode::Enter).await;
}

/// A filter without a match says there is nothing to show in the detail, not "Loading…".
#[tokio::test]
async fn a_filter_without_a_match_clears_the_detail() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "support@obryl.test", Locale::En, TabId::Tickets).await;
    h.key(KeyCode::Enter).await;
    h.pump().await;
    filter(&mut h, "no-ticket-has-this-subject").await;
    h.pump().await;
    assert!(h.app.screens.tickets.list.rows.is_empty());
    let text = h.render(160, 40);
    assert!(text.contains("No row matches"), "{text}");
    assert!(!text.contains("Loading"), "{text}");
}

/// An error toast belongs to the screen it was made on: switching tabs takes it away.
#[tokio::test]
async fn error_toasts_leave_with_their_tab() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "support@obryl.test", Locale::En, TabId::Commissions).await;
    h.char('a').await;
    assert_eq!(h.app.toast.as_ref().map(|t| t.level), Some(Level::Error));
    h.char('4').await;
    assert!(h.app.toast.is_none());
    assert!(h.app.last_error.is_none());
}

/// Publishing asks first; a published article can be taken off again.
#[tokio::test]
async fn publishing_confirms_and_can_be_undone() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "editor@obryl.test", Locale::En, TabId::Projects).await;
    h.char(':').await;
    h.type_text("articles").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the articles", |app| {
        !app.screens.articles.list.rows.is_empty()
    })
    .await;
    filter(&mut h, "status:published").await;
    h.pump().await;
    let title = h.app.screens.articles.list.rows[0].title.clone();
    h.char('t').await;
    let labels: Vec<String> = match &h.app.popup {
        Some(Popup::Picker {
            options: Some(o), ..
        }) => o.iter().map(|(l, _)| l.clone()).collect(),
        _ => panic!("a status picker"),
    };
    assert_eq!(labels, ["draft", "archived"]);
    h.key(KeyCode::Enter).await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        panic!("unpublishing asks first")
    };
    assert!(question.contains(&title), "{question}");
    h.char('y').await;
    h.pump_until("the change", |app| app.toast.is_some()).await;
    assert_eq!(h.app.toast.as_ref().unwrap().level, Level::Success);
}

/// The light theme paints its own background, so it reads the same on a dark terminal, and
/// its muted text is a grey dark enough to read on white.
#[tokio::test]
async fn the_light_theme_brings_its_own_background() {
    use ratatui::style::Color;
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "support@obryl.test", Locale::En, TabId::Tickets).await;
    h.app.session.theme = obryl::ui::theme::Theme::load("light", false);
    let buf = h.render_buffer(120, 40);
    let white = Color::Rgb(255, 255, 255);
    let corner = &buf[(119, 38)];
    assert_eq!(corner.bg, white, "an empty cell has the theme's background");
    let muted = h.app.session.theme.muted.fg.unwrap();
    assert_ne!(muted, Color::Gray, "no light grey on white");
}

/// Ctrl-O offers the canned replies in the requester's language, whatever the agent's.
#[tokio::test]
async fn canned_replies_come_in_the_requesters_language() {
    let (db, _dir) = demo_db().await;
    for staff in [Locale::En, Locale::Fr] {
        let mut h = Harness::new(&db, "support@obryl.test", staff, TabId::Tickets).await;
        h.key(KeyCode::Enter).await;
        h.pump_until("the ticket", |app| {
            app.screens.tickets.detail.content.is_some()
        })
        .await;
        let theirs = h
            .app
            .screens
            .tickets
            .detail
            .content
            .as_ref()
            .unwrap()
            .requester_locale;
        h.char('c').await;
        h.key_mod(KeyCode::Char('o'), KeyModifiers::CONTROL).await;
        let Some(Popup::Compose {
            canned: Some((replies, _)),
            ..
        }) = &h.app.popup
        else {
            panic!("the canned replies")
        };
        let expected: Vec<String> = obryl::ui::drafts::canned(theirs)
            .into_iter()
            .map(|c| c.title)
            .collect();
        let titles: Vec<String> = replies.iter().map(|(t, _)| t.clone()).collect();
        assert_eq!(titles, expected, "staff in {staff:?}");
    }
}

/// French screens carry no English: the history's field names and values, key names and
/// notification texts are in French.
#[tokio::test]
async fn french_screens_carry_no_english() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "admin@obryl.test", Locale::Fr, TabId::Audit).await;
    let text = h.render(160, 45);
    for english in [
        "status:",
        "assignee_id",
        "approved_by",
        "first_approved",
        " user #",
    ] {
        assert!(
            !text.contains(english),
            "{english:?} on a French screen:\n{text}"
        );
    }
    assert!(text.contains("statut"), "{text}");
    h.char('2').await;
    let text = h.render(160, 45);
    assert!(text.contains("espace sélectionner"), "{text}");
    assert!(!text.contains(" space "), "{text}");
    h.char('n').await;
    h.pump_until("the notifications", |app| {
        matches!(&app.popup, Some(Popup::Notifications { rows: Some(_), .. }))
    })
    .await;
    let text = h.render(160, 45);
    assert!(!text.contains("ext_commission."), "{text}");
    assert!(!text.contains("« »"), "no empty names: {text}");
}

/// Moving a project to a status with no way back asks why; the reason is in the audit row.
#[tokio::test]
async fn cancelling_a_project_asks_why() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "ops@obryl.test", Locale::En, TabId::Projects).await;
    filter(&mut h, "status:open").await;
    h.pump().await;
    let project = h.app.screens.projects.list.rows[0].clone();
    h.char('t').await;
    let cancel = match &h.app.popup {
        Some(Popup::Picker {
            options: Some(o), ..
        }) => o
            .iter()
            .position(|(l, _)| l == "cancelled")
            .expect("cancelled offered"),
        _ => panic!("a status picker"),
    };
    for _ in 0..cancel {
        h.char('j').await;
    }
    h.key(KeyCode::Enter).await;
    assert!(
        matches!(h.app.popup, Some(Popup::Compose { .. })),
        "a reason is asked"
    );
    h.type_text("the client found another way").await;
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    h.pump_until("the change", |app| app.toast.is_some()).await;
    assert_eq!(h.app.toast.as_ref().unwrap().level, Level::Success);
    let history = obryl::store::audit::history(&mut db.clone(), "project", project.id, 3)
        .await
        .unwrap();
    assert!(
        format!("{:?}", history[0].new_values).contains("the client found another way"),
        "{:?}",
        history[0].new_values
    );
}

/// Assigning a busy developer, or one without the room the plan needs, is asked first.
#[tokio::test]
async fn assigning_a_busy_developer_is_asked_first() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "ops@obryl.test", Locale::En, TabId::Projects).await;
    filter(&mut h, "status:open").await;
    h.pump().await;
    h.char('A').await;
    h.pump_until("the developers", |app| {
        matches!(
            &app.popup,
            Some(Popup::Picker {
                options: Some(_),
                ..
            })
        )
    })
    .await;
    let busy = match &h.app.popup {
        Some(Popup::Picker {
            options: Some(o), ..
        }) => o
            .iter()
            .position(|(l, _)| l.contains("busy") || l.starts_with('⚠'))
            .expect("a busy or full developer is offered, marked"),
        _ => unreachable!(),
    };
    for _ in 0..busy {
        h.char('j').await;
    }
    h.key(KeyCode::Enter).await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        panic!("a confirmation first")
    };
    assert!(question.contains("Assign anyway?"), "{question}");
}
