//! The Escrow view (`:escrow`) as finance meets it on the seeded demo: the held funds filtered,
//! the detail with who is still owed what, a release typed as the screen shows amounts then
//! confirmed naming each party's part, a refund and a dispute decision with their reasons, and
//! the refusals that come before any question.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test ui_escrow`.

mod common;

use common::ui::{Harness, demo_db};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::domain::escrow::divide;
use obryl::office::format::money;
use obryl::service::escrow::Split;
use obryl::store::escrows::EscrowRow;
use obryl::store::{self, Db};
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::screens::escrow::jobs::{typed_amount, typed_split};
use obryl::ui::widgets::toast::Level;
use obryl::ui::widgets::virtual_table::PaneState;

const FINANCE: &str = "finance@obryl.test";
const SUPPORT: &str = "support@obryl.test";

async fn open(db: &Db, email: &str, locale: Locale) -> Harness {
    let mut h = Harness::new(db, email, locale, TabId::Projects).await;
    h.char(':').await;
    h.type_text("escrow").await;
    h.key(KeyCode::Enter).await;
    assert_eq!(h.app.tab, TabId::Escrow);
    h.pump_until("the escrows", |app| {
        !app.screens.escrow.list.rows.is_empty()
    })
    .await;
    h
}

async fn filter(h: &mut Harness, text: &str) {
    h.char('/').await;
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text(text).await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the filtered escrows", |app| {
        app.screens.escrow.list.state != PaneState::Loading
    })
    .await;
}

/// Moves the cursor to the first listed escrow `pick` accepts, and returns it.
async fn go_to(h: &mut Harness, pick: impl Fn(&EscrowRow) -> bool) -> EscrowRow {
    let rows = h.app.screens.escrow.list.rows.clone();
    let at = rows
        .iter()
        .position(pick)
        .expect("the demo has such an escrow");
    for _ in 0..at {
        h.char('j').await;
    }
    assert_eq!(h.app.screens.escrow.list.current(), Some(&rows[at]));
    rows[at].clone()
}

fn under_way(r: &EscrowRow) -> bool {
    matches!(
        r.project_status.as_str(),
        "in_progress" | "delivered" | "revision_requested" | "completed"
    )
}

async fn success(h: &mut Harness, what: &str) -> String {
    h.pump_until(what, |app| app.toast.is_some()).await;
    let toast = h.app.toast.take().unwrap();
    assert_eq!(toast.level, Level::Success, "{what}: {}", toast.text);
    toast.text
}

async fn escrow(db: &Db, id: i64) -> EscrowRow {
    store::escrows::get(&mut db.clone(), id)
        .await
        .unwrap()
        .unwrap()
}

/// An amount as the list shows it in `locale`, without its currency ("112,500", "112 500").
fn as_shown(amount: i64, locale: Locale) -> String {
    money(amount, "XOF", locale)
        .trim_end_matches(" XOF")
        .to_owned()
}

async fn release_part_of_a_held_escrow(locale: Locale, snapshot: &str) {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, locale).await;
    filter(&mut h, "status:held").await;
    assert!(h.app.popup.is_none(), "the filter is understood");
    let rows = &h.app.screens.escrow.list.rows;
    assert!(!rows.is_empty() && rows.iter().all(|r| r.status == "held"));
    let row = go_to(&mut h, |r| r.currency == "XOF" && under_way(r)).await;
    if locale == Locale::En {
        // Every column at 120 wide, the amounts whole.
        let text = h.render(120, 40);
        let shown = money(row.amount_held, "XOF", locale);
        assert!(text.contains(&format!("{shown} ")), "{text}");
        insta::assert_snapshot!("escrow_list_en_120x40", text);
    }
    h.key(KeyCode::Enter).await;
    h.pump_until("the detail", |app| {
        app.screens.escrow.detail.for_id == Some(row.id)
            && app.screens.escrow.detail.content.is_some()
    })
    .await;
    let detail = obryl::office::escrow::detail(&mut db.clone(), row.id)
        .await
        .unwrap();
    let text = h.render(120, 40);
    let remaining = money(row.amounts().remaining(), "XOF", locale);
    assert!(text.contains(&remaining), "{text}");
    assert!(
        text.contains(&money(detail.owed.developer, "XOF", locale)),
        "{text}"
    );
    insta::assert_snapshot!(snapshot, text);

    // A part of what is left, typed as the screen shows it.
    let amount = row.amounts().remaining() / 2;
    let parts = divide(amount, &detail.owed).unwrap();
    assert_eq!(
        parts.developer + parts.platform + parts.contributors.iter().map(|c| c.1).sum::<i64>(),
        amount
    );
    h.char('R').await;
    assert!(
        matches!(h.app.popup, Some(Popup::Prompt { .. })),
        "the amount is asked first"
    );
    h.type_text(&as_shown(amount, locale)).await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the confirmation", |app| {
        matches!(app.popup, Some(Popup::Confirm { .. }))
    })
    .await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        unreachable!()
    };
    for part in [amount, parts.developer, parts.platform] {
        let shown = money(part, "XOF", locale);
        assert!(question.contains(&shown), "{shown} in {question}");
    }
    for (_, part) in &parts.contributors {
        assert!(
            question.contains(&money(*part, "XOF", locale)),
            "{question}"
        );
    }
    let before = escrow(&db, row.id).await;
    h.char('y').await;
    let toast = success(&mut h, "the release").await;
    let said = match locale {
        Locale::En => format!(
            "Released {} from escrow #{}: developer {}",
            money(amount, "XOF", locale),
            row.id,
            money(parts.developer, "XOF", locale)
        ),
        Locale::Fr => format!(
            "{} libérés du séquestre n°{} : développeur {}",
            money(amount, "XOF", locale),
            row.id,
            money(parts.developer, "XOF", locale)
        ),
    };
    assert!(toast.starts_with(&said), "{toast}");
    let after = escrow(&db, row.id).await;
    assert_eq!(after.amount_released, before.amount_released + amount);
    assert_eq!(after.amount_refunded, before.amount_refunded);
    assert_eq!(after.status, "partially_released");

    // It no longer matches `status:held`: the cursor is on nothing, never on the escrow that
    // took its place, and no release is offered until the person moves.
    h.pump_until("the list read again", |app| {
        app.screens.escrow.list.rows.iter().all(|r| r.id != row.id)
    })
    .await;
    assert_eq!(h.app.screens.escrow.list.current(), None);
    assert_eq!(h.app.screens.escrow.list.gone, Some(row.id));
    let release = obryl::ui::action::Action::Screen(obryl::ui::action::Verb("release"));
    assert!(!h.app.footer_actions().contains(&release));
    let left = h.app.screens.escrow.list.rows.len();
    h.char('R').await;
    assert!(
        h.app.popup.is_none(),
        "nothing is asked about another escrow"
    );
    let refusal = h.app.toast.take().expect("a word on why");
    assert!(refusal.text.contains(match locale {
        Locale::En => "No record under the cursor",
        Locale::Fr => "Aucune ligne sous le curseur",
    }));
    if left > 0 {
        h.char('j').await;
        assert!(h.app.screens.escrow.list.current().is_some());
    }
}

#[tokio::test]
async fn finance_releases_part_of_a_held_escrow_in_english() {
    release_part_of_a_held_escrow(Locale::En, "escrow_detail_en_120x40").await;
}

#[tokio::test]
async fn finance_releases_part_of_a_held_escrow_in_french() {
    release_part_of_a_held_escrow(Locale::Fr, "escrow_detail_fr_120x40").await;
}

/// Support may look but not release: `R` is refused naming the permission, nothing opens.
#[tokio::test]
async fn support_is_refused_naming_escrow_release() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, SUPPORT, Locale::En).await;
    filter(&mut h, "status:held").await;
    let text = h.render(120, 40);
    let footer = text.lines().last().unwrap_or_default();
    assert!(!footer.contains("release funds"), "not offered: {footer}");
    h.char('R').await;
    assert!(h.app.popup.is_none(), "no prompt opens");
    let toast = h.app.toast.take().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    assert!(toast.text.contains("escrow.release"), "{}", toast.text);
}

/// A released escrow has nothing left to release: refused at once, naming its state.
#[tokio::test]
async fn a_released_escrow_is_refused_before_any_prompt() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, Locale::En).await;
    filter(&mut h, "status:released").await;
    let row = h.app.screens.escrow.list.current().cloned().unwrap();
    assert_eq!(row.status, "released");
    h.char('R').await;
    assert!(h.app.popup.is_none(), "no prompt opens");
    let toast = h.app.toast.take().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    assert_eq!(
        toast.text,
        format!(
            "Escrow #{} is released: nothing is left to release.",
            row.id
        )
    );
    // A dispute decision needs a dispute.
    h.char('D').await;
    assert!(h.app.popup.is_none());
    let toast = h.app.toast.take().expect("a refusal");
    assert!(toast.text.contains("is released"), "{}", toast.text);
}

/// A refund asks the amount, then why; everything left goes back to the client.
#[tokio::test]
async fn a_refund_asks_the_amount_then_the_reason() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, Locale::En).await;
    filter(&mut h, "status:held").await;
    let row = go_to(&mut h, |_| true).await;
    h.char('F').await;
    assert!(matches!(h.app.popup, Some(Popup::Prompt { .. })));
    h.type_text("all").await;
    h.key(KeyCode::Enter).await;
    let question = confirmation(&mut h, "the refund's parts").await;
    let all = money(row.amounts().remaining(), &row.currency, Locale::En);
    assert!(
        question.starts_with(&format!("Refund {all} to ")),
        "{question}"
    );
    h.char('y').await;
    h.pump_until("the reason", |app| {
        matches!(app.popup, Some(Popup::Compose { .. }))
    })
    .await;
    h.type_text("client cancelled before work started").await;
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    let toast = success(&mut h, "the refund").await;
    let all = money(row.amounts().remaining(), &row.currency, Locale::En);
    assert!(
        toast.starts_with(&format!("Refunded {all} from escrow #{}", row.id)),
        "{toast}"
    );
    let after = escrow(&db, row.id).await;
    assert_eq!(after.amount_refunded, row.amount_held);
    assert_eq!(after.status, "refunded");
}

/// The question of the confirmation that opens next.
async fn confirmation(h: &mut Harness, what: &str) -> String {
    h.pump_until(what, |app| matches!(app.popup, Some(Popup::Confirm { .. })))
        .await;
    match &h.app.popup {
        Some(Popup::Confirm { question, .. }) => question.clone(),
        _ => unreachable!(),
    }
}

/// A dispute is decided by the developer's percentage, then the reason.
#[tokio::test]
async fn a_dispute_is_decided_by_a_split_then_a_reason() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, Locale::Fr).await;
    filter(&mut h, "statut:disputed").await;
    let row = h
        .app
        .screens
        .escrow
        .list
        .current()
        .cloned()
        .expect("a dispute");
    h.char('D').await;
    assert!(matches!(h.app.popup, Some(Popup::Prompt { .. })));
    h.type_text("60%").await;
    h.key(KeyCode::Enter).await;
    // The confirmation names every part: the platform's cut is not hidden in the developer's.
    let question = confirmation(&mut h, "the decision's parts").await;
    assert!(
        question.contains("commission de la plateforme"),
        "{question}"
    );
    assert!(question.contains("client"), "{question}");
    h.char('o').await;
    h.pump_until("the reason", |app| {
        matches!(app.popup, Some(Popup::Compose { .. }))
    })
    .await;
    h.type_text("livré en partie, conformément aux échanges")
        .await;
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    let toast = success(&mut h, "the decision").await;
    assert!(
        toast.starts_with(&format!("Litige du séquestre n°{} tranché", row.id)),
        "{toast}"
    );
    let after = escrow(&db, row.id).await;
    let left = row.amounts().remaining();
    assert_eq!(after.amounts().remaining(), 0);
    let developer = obryl::domain::commission_amount(left, 6000).unwrap();
    assert_eq!(
        after.amount_released - row.amount_released,
        developer,
        "{after:?}"
    );
    assert_eq!(
        after.amount_refunded - row.amount_refunded,
        left - developer
    );
}

/// The filter bar is strict: an unknown field or provider is an error and the list stays.
#[tokio::test]
async fn filter_terms_it_cannot_use_are_errors() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, Locale::En).await;
    let before = h.app.screens.escrow.list.rows.len();
    for (typed, said) in [
        ("foo:bar", "foo:bar: this list has no such field"),
        ("provider:paypal", "provider:paypal: not understood"),
        ("status:lost", "status:lost: not understood"),
    ] {
        h.char('/').await;
        h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
        h.type_text(typed).await;
        h.key(KeyCode::Enter).await;
        match &h.app.popup {
            Some(Popup::Filter { error: Some(e), .. }) => assert!(e.starts_with(said), "{e}"),
            _ => panic!("{typed}: the filter bar stays open with the error"),
        }
        h.key(KeyCode::Esc).await;
        assert_eq!(h.app.screens.escrow.list.rows.len(), before);
    }
    filter(
        &mut h,
        "currency:xaf provider:mtn_momo,orange_money,cinetpay overdue",
    )
    .await;
    assert!(h.app.popup.is_none());
    assert!(
        h.app
            .screens
            .escrow
            .list
            .rows
            .iter()
            .all(|r| r.currency == "XAF" && r.project_status == "delivered")
    );
}

#[test]
fn amounts_read_as_either_language_shows_them() {
    for locale in [Locale::En, Locale::Fr] {
        for typed in [
            "225 000",
            "225,000",
            "225000",
            "225 000 XOF",
            "225,000 XOF",
            "225 000 FCFA",
        ] {
            assert_eq!(
                typed_amount(typed, "XOF", locale),
                Ok(Some(225_000)),
                "{typed}"
            );
        }
        assert_eq!(typed_amount(" all ", "XOF", locale), Ok(None));
        assert_eq!(typed_amount("", "XOF", locale), Ok(None));
        assert!(typed_amount("lots", "XOF", locale).is_err());
        assert!(typed_amount("-5", "XOF", locale).is_err());
    }
    assert_eq!(
        typed_amount("1 234,50 €", "EUR", Locale::Fr),
        Ok(Some(123_450))
    );
    assert_eq!(
        typed_amount("€1,234.50", "EUR", Locale::En),
        Ok(Some(123_450))
    );
}

#[test]
fn splits_read_as_typed() {
    let l = Locale::En;
    assert_eq!(
        typed_split("dev 300000", "XOF", l),
        Ok(Split::Developer(300_000))
    );
    assert_eq!(
        typed_split("client 150,000", "XOF", l),
        Ok(Split::Client(150_000))
    );
    assert_eq!(
        typed_split("dev:300000", "XOF", l),
        Ok(Split::Developer(300_000))
    );
    assert_eq!(
        typed_split("dev 300 000 client 150 000", "XOF", Locale::Fr),
        Ok(Split::Amounts {
            developer: 300_000,
            client: 150_000
        })
    );
    assert_eq!(typed_split("60%", "XOF", l), Ok(Split::DeveloperBps(6000)));
    assert_eq!(
        typed_split("62,5 %", "XOF", l),
        Ok(Split::DeveloperBps(6250))
    );
    for bad in ["half", "dev", "150%", "dev 1 dev 2"] {
        assert!(typed_split(bad, "XOF", l).is_err(), "{bad}");
    }
}

/// Above the dual-approval threshold: Awa's release is recorded as the first approval, the
/// detail says who waits for whom, Awa is refused before any prompt, and Ibrahima (finance2)
/// carries out the same release, its amount offered as typed.
#[tokio::test]
async fn a_large_release_waits_for_a_second_finance_member() {
    let (db, _dir) = demo_db().await;
    let threshold = obryl::service::settings::dual_approval_threshold(&mut db.clone(), "XOF")
        .await
        .unwrap()
        .unwrap();
    let mut h = open(&db, FINANCE, Locale::En).await;
    filter(&mut h, "status:held currency:xof").await;
    let row = go_to(&mut h, |r| {
        under_way(r) && r.amounts().remaining() > threshold
    })
    .await;
    h.char('R').await;
    h.key(KeyCode::Enter).await; // everything left
    h.pump_until("the confirmation", |app| {
        matches!(app.popup, Some(Popup::Confirm { .. }))
    })
    .await;
    h.char('y').await;
    let toast = success(&mut h, "the first approval").await;
    assert!(toast.contains("first approval recorded"), "{toast}");
    let after = escrow(&db, row.id).await;
    assert_eq!(
        after.amount_released, row.amount_released,
        "nothing moved yet"
    );
    h.pump_until("the reloaded row", |app| {
        app.screens
            .escrow
            .list
            .current()
            .is_some_and(|r| r.pending_by.is_some())
    })
    .await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the detail", |app| {
        app.screens
            .escrow
            .detail
            .content
            .as_ref()
            .is_some_and(|d| d.row.pending_by.is_some())
    })
    .await;
    let text = h.render(120, 40);
    assert!(text.contains("Second approval"), "{text}");
    h.char('R').await;
    assert!(h.app.popup.is_none(), "refused before any prompt");
    let refusal = h.app.toast.take().expect("a refusal");
    assert!(refusal.text.contains("Four-eyes"), "{}", refusal.text);

    let mut second = open(&db, "finance2@obryl.test", Locale::En).await;
    filter(&mut second, &format!("project:{}", row.project_id)).await;
    second.char('R').await;
    let Some(Popup::Prompt { input, .. }) = &second.app.popup else {
        panic!("the amount prompt")
    };
    assert_eq!(input.text(), row.amounts().remaining().to_string());
    second.key(KeyCode::Enter).await;
    second
        .pump_until("the confirmation", |app| {
            matches!(app.popup, Some(Popup::Confirm { .. }))
        })
        .await;
    second.char('y').await;
    let toast = success(&mut second, "the release").await;
    assert!(toast.starts_with("Released"), "{toast}");
    let done = escrow(&db, row.id).await;
    assert_eq!(done.amount_released, row.amount_held - row.amount_refunded);
    assert_eq!(done.pending_by, None);
}

#[tokio::test]
async fn l_opens_the_ledger_of_the_escrows_project() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, Locale::Fr).await;
    let row = h.app.screens.escrow.list.current().cloned().unwrap();
    let ledger = obryl::ui::action::Action::Screen(obryl::ui::action::Verb("project_ledger"));
    assert!(h.app.footer_actions().contains(&ledger));
    h.char('L').await;
    assert_eq!(h.app.tab, TabId::Ledger);
    assert_eq!(
        h.app.screens.ledger.filter_raw,
        format!("project:{}", row.project_id)
    );
    h.pump_until("the project's transfers", |app| {
        app.screens.ledger.list.state != PaneState::Loading
    })
    .await;
    assert!(
        h.app
            .screens
            .ledger
            .list
            .rows
            .iter()
            .all(|t| t.project_id == Some(row.project_id))
    );
    // Esc comes back to the escrow.
    h.key(KeyCode::Esc).await;
    assert_eq!(h.app.tab, TabId::Escrow);
}
