//! Finance workflows as a staff member meets them: refusals that come before any confirmation,
//! a cancellation with its reason, a selection that shows, one line for a payment reference.

mod common;

use common::ui::{Harness, demo_db};
use crossterm::event::KeyCode;
use obryl::domain::Locale;
use obryl::service::commissions::Kind;
use obryl::service::{self, Origin};
use obryl::store;
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;

const FINANCE: &str = "finance@obryl.test";

async fn filter(h: &mut Harness, text: &str) {
    h.char('/').await;
    // The bar opens on the current filter: start from nothing.
    h.key_mod(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL)
        .await;
    h.type_text(text).await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the filtered list", |app| {
        !app.screens.commissions.list.rows.is_empty()
            && app.screens.commissions.list.state
                != obryl::ui::widgets::virtual_table::PaneState::Loading
    })
    .await;
}

/// `a` on a commission someone already cancelled: refused at once, naming who and when, with
/// no confirmation opened (it used to confirm first, then say "by someone else").
#[tokio::test]
async fn a_decided_commission_is_refused_before_any_confirmation() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    let pending = h.app.screens.commissions.list.rows[0].clone();
    let awa = h.app.session.actor.clone().unwrap();
    service::commissions::cancel(
        &db,
        &awa,
        &Origin::cli(),
        Kind::Platform,
        pending.id,
        "requested twice",
        None,
    )
    .await
    .unwrap();
    filter(
        &mut h,
        &format!("status:all project:{}", pending.project_id),
    )
    .await;
    let at = h
        .app
        .screens
        .commissions
        .list
        .rows
        .iter()
        .position(|r| r.id == pending.id)
        .expect("the cancelled commission is listed");
    for _ in 0..at {
        h.char('j').await;
    }
    let text = h.render(160, 40);
    let footer = text.lines().last().unwrap_or_default();
    assert!(!footer.contains("approve"), "not offered: {footer}");
    h.char('a').await;
    assert!(h.app.popup.is_none(), "no confirmation opens");
    let toast = h.app.toast.take().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    assert!(
        toast.text.starts_with("Already cancelled by Awa Diop at "),
        "{}",
        toast.text
    );
}

/// Four-eyes refusals come before the confirmation too.
#[tokio::test]
async fn four_eyes_is_refused_before_the_confirmation() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    let row = h.app.screens.commissions.list.rows[0].clone();
    let awa = h.app.session.actor.clone().unwrap();
    // Awa becomes the requester of this one: she may no longer decide it.
    use sea_query::ExprTrait;
    let q = sea_query::Query::update()
        .table("commissions")
        .value("requested_by", awa.id)
        .and_where(sea_query::Expr::col("id").eq(row.id))
        .to_owned();
    obryl::store::Conn::exec(&mut db.clone(), &q).await.unwrap();
    h.key_mod(KeyCode::Char('r'), crossterm::event::KeyModifiers::CONTROL)
        .await;
    h.pump_until("the refreshed row", |app| {
        app.screens.commissions.list.rows[0].requested_by == awa.id
    })
    .await;
    h.char('a').await;
    assert!(h.app.popup.is_none(), "no confirmation opens");
    let toast = h.app.toast.take().expect("a refusal");
    assert!(toast.text.starts_with("Four-eyes rule"), "{}", toast.text);
}

/// Cancelling asks why; the reason is in the audit row.
#[tokio::test]
async fn cancelling_asks_for_a_reason_kept_in_the_audit_row() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    let row = h.app.screens.commissions.list.rows[0].clone();
    h.char('X').await;
    assert!(
        matches!(h.app.popup, Some(Popup::Compose { .. })),
        "a composer for the reason"
    );
    h.type_text("client paid outside the platform").await;
    h.key_mod(KeyCode::Char('s'), crossterm::event::KeyModifiers::CONTROL)
        .await;
    h.pump_until("the cancellation", |app| app.toast.is_some())
        .await;
    let toast = h.app.toast.take().unwrap();
    assert_eq!(toast.level, Level::Success, "{}", toast.text);
    let history = store::audit::history(&mut db.clone(), "commission", row.id, 5)
        .await
        .unwrap();
    let last = &history[0];
    assert_eq!(last.event, "cancelled");
    assert!(
        format!("{:?}", last.new_values).contains("client paid outside the platform"),
        "{:?}",
        last.new_values
    );
}

/// Space marks rows visibly; the info line counts them with a total per currency, and the bulk
/// confirmation says how many, how much, and how many need a second approver.
#[tokio::test]
async fn a_selection_shows_its_count_and_totals_per_currency() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    let rows = h.app.screens.commissions.list.rows.clone();
    let xof = rows.iter().position(|r| r.currency == "XOF").unwrap();
    let xaf = rows.iter().position(|r| r.currency == "XAF").unwrap();
    for (i, r) in rows.iter().enumerate() {
        if i == xof || i == xaf {
            h.char(' ').await;
        }
        let _ = r;
        h.char('j').await;
    }
    let text = h.render(160, 40);
    let info = text.lines().nth(1).unwrap_or_default();
    let money =
        |i: usize| obryl::office::format::money(rows[i].amount, &rows[i].currency, Locale::En);
    assert!(info.contains("2 selected"), "{info}");
    assert!(
        info.contains(&money(xof)) && info.contains(&money(xaf)),
        "{info}"
    );
    assert_eq!(
        text.matches('✓').count() - text.matches("2✓").count(),
        2,
        "{text}"
    );
    h.char('a').await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        panic!("a bulk confirmation")
    };
    assert!(
        question.starts_with("Approve the 2 selected commissions"),
        "{question}"
    );
    assert!(
        question.contains(&money(xof)) && question.contains(&money(xaf)),
        "{question}"
    );
}

/// A payment reference is one line, bounded: a newline is refused by the service.
#[tokio::test]
async fn a_payment_reference_is_one_line() {
    let (db, _dir) = demo_db().await;
    let awa = common::ui::actor(&db, FINANCE).await;
    let approved = store::commissions::page(
        &mut db.clone(),
        Kind::Platform,
        &store::commissions::Filter {
            statuses: vec!["approved".into()],
            ..Default::default()
        },
        store::commissions::Sort::Oldest,
        &store::Anchor::First,
        1,
    )
    .await
    .unwrap()
    .rows
    .remove(0);
    let err = service::commissions::pay(
        &db,
        &awa,
        &Origin::cli(),
        Kind::Platform,
        approved.id,
        "WAVE-123\nsecond line",
        None,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("one line"), "{err}");
}

/// A filter term the list cannot use is said in the filter bar and the list stays as it was
/// (it used to widen to every commission); an amount is accepted as the list shows it.
#[tokio::test]
async fn a_filter_that_cannot_be_read_is_an_error_and_changes_nothing() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    let before = h.app.screens.commissions.list.rows.len();
    for (typed, said) in [
        ("min:abc", "min:abc: not an amount"),
        (
            "from:2026-13-45",
            "from:2026-13-45: this list has no such field",
        ),
        ("project:abc", "project:abc: not a whole number"),
        ("foo:bar", "foo:bar: this list has no such field; accepted:"),
        (
            "status:bogus",
            "status:bogus: not understood; accepted: pending",
        ),
    ] {
        h.char('/').await;
        h.key_mod(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL)
            .await;
        h.type_text(typed).await;
        h.key(KeyCode::Enter).await;
        match &h.app.popup {
            Some(Popup::Filter {
                error: Some(e),
                input,
            }) => {
                assert!(e.starts_with(said), "{typed}: {e}");
                assert_eq!(input.text(), typed, "what was typed stays");
            }
            _ => panic!("{typed}: the filter bar stays open with the error"),
        }
        let text = h.render(160, 40);
        assert!(text.contains(said), "{typed}: shown\n{text}");
        h.key(KeyCode::Esc).await;
        assert_eq!(h.app.screens.commissions.filter_raw, "status:pending");
        assert_eq!(h.app.screens.commissions.list.rows.len(), before);
    }
    // 33,750 as the English list shows it.
    let amount = h.app.screens.commissions.list.rows[0].amount;
    let shown = obryl::office::format::money(amount, "XOF", Locale::En);
    let number = shown.trim_end_matches(" XOF").to_owned();
    filter(&mut h, &format!("min:{number} max:{number}")).await;
    assert!(h.app.popup.is_none());
    assert!(
        h.app
            .screens
            .commissions
            .list
            .rows
            .iter()
            .all(|r| r.amount == amount)
    );
}

/// `:settings` reads as people read it and takes values as they write them; a mistake is said
/// as a sentence (it used to be "not valid JSON at line 1").
#[tokio::test]
async fn settings_read_and_write_as_people_do() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "admin@obryl.test", Locale::En, TabId::Projects).await;
    h.char(':').await;
    h.type_text("settings").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the settings", |app| {
        !app.screens.settings.list.rows.is_empty()
    })
    .await;
    let text = h.render(160, 40);
    assert!(text.contains("15.00%"), "{text}");
    assert!(text.contains("2,000,000 XOF"), "{text}");
    assert!(text.contains("14 days"), "{text}");
    let rate = h
        .app
        .screens
        .settings
        .list
        .rows
        .iter()
        .position(|s| s.name == "default_rate_bps")
        .unwrap();
    for _ in 0..rate {
        h.char('j').await;
    }
    for (typed, ok) in [("fifteen", false), ("16,5", true)] {
        h.char('w').await;
        let Some(Popup::Prompt { input, .. }) = &h.app.popup else {
            panic!("an edit line")
        };
        assert!(!input.text().contains('{'), "not JSON: {}", input.text());
        h.key_mod(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL)
            .await;
        h.type_text(typed).await;
        h.key(KeyCode::Enter).await;
        h.pump_until("the answer", |app| app.toast.is_some()).await;
        let toast = h.app.toast.take().unwrap();
        if ok {
            assert_eq!(toast.level, Level::Success, "{}", toast.text);
        } else {
            assert_eq!(toast.level, Level::Error);
            assert!(
                toast.text.contains("percentage from 0 to 100"),
                "{}",
                toast.text
            );
        }
    }
    let rate = service::settings::default_rate_bps(&mut db.clone())
        .await
        .unwrap();
    assert_eq!(rate, 1650);
}
