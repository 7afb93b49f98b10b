//! The Ledger (`:ledger`) and Payments (`:payments`) views as finance meets them on the seeded
//! demo: the transfers through the escrow account with a transfer's detail, the verification
//! of the whole ledger, a pending collection confirmed under the provider's reference (which
//! funds its escrow), and the refusals that come before any question. Also the keyset paging
//! of the transfers by account, both ways.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test ui_ledger`.

mod common;

use std::collections::BTreeSet;

use common::ui::{Harness, demo_db};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::office::format::money;
use obryl::store::ledger::TransferFilter;
use obryl::store::{self, Anchor, Cursor, Db};
use obryl::ui::app::App;
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;
use obryl::ui::widgets::virtual_table::PaneState;

const FINANCE: &str = "finance@obryl.test";
const SUPPORT: &str = "support@obryl.test";

async fn open(db: &Db, email: &str, locale: Locale, name: &str, tab: TabId) -> Harness {
    let mut h = Harness::new(db, email, locale, TabId::Projects).await;
    h.char(':').await;
    h.type_text(name).await;
    h.key(KeyCode::Enter).await;
    assert_eq!(h.app.tab, tab);
    h.pump_until("the list", move |app| match tab {
        TabId::Ledger => !app.screens.ledger.list.rows.is_empty(),
        _ => !app.screens.payments.list.rows.is_empty(),
    })
    .await;
    h
}

fn loading(app: &App) -> bool {
    match app.tab {
        TabId::Ledger => app.screens.ledger.list.state == PaneState::Loading,
        _ => app.screens.payments.list.state == PaneState::Loading,
    }
}

async fn filter(h: &mut Harness, text: &str) {
    h.char('/').await;
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text(text).await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the filtered list", |app| !loading(app)).await;
    assert!(h.app.popup.is_none(), "{text}: the filter is understood");
}

async fn ledger_through_escrow(locale: Locale, snapshot: &str) {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, locale, "ledger", TabId::Ledger).await;
    filter(&mut h, "account:escrow").await;
    let rows = h.app.screens.ledger.list.rows.clone();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|t| t.debit_code == "escrow" || t.credit_code == "escrow")
    );
    assert!(rows.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let row = rows[0].clone();
    h.key(KeyCode::Enter).await;
    h.pump_until("the detail", |app| {
        app.screens.ledger.detail.for_id == Some(row.id)
            && app.screens.ledger.detail.content.is_some()
    })
    .await;
    let text = h.render(120, 40);
    let amount = money(row.amount, &row.currency, locale);
    assert!(text.contains(&format!("{amount} ")), "{text}");
    let escrow_account = store::ledger::accounts(&mut db.clone())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.code == "escrow" && a.currency == row.currency)
        .unwrap();
    let balance = money(escrow_account.balance(), &row.currency, locale);
    assert!(text.contains(&balance), "{balance} in {text}");
    insta::assert_snapshot!(snapshot, text);

    // The verification of the whole ledger, in a picker: every check holds on the demo.
    h.char('v').await;
    h.pump_until("the verification", |app| {
        matches!(
            &app.popup,
            Some(Popup::Picker {
                options: Some(_),
                ..
            })
        )
    })
    .await;
    let Some(Popup::Picker {
        title,
        options: Some(options),
        ..
    }) = &h.app.popup
    else {
        unreachable!()
    };
    let n = obryl::office::escrow::CHECKS.len()
        + obryl::office::ledger_checks::CHECKS.len()
        + obryl::office::referral_checks::CHECKS.len();
    let holds = match locale {
        Locale::En => format!("Ledger verified: all {n} checks hold"),
        Locale::Fr => format!("Grand livre vérifié : les {n} contrôles tiennent"),
    };
    assert_eq!(title, &holds);
    assert_eq!(options.len(), n, "one line per check, no discrepancy");
    let none = match locale {
        Locale::En => "— 0 discrepancies",
        Locale::Fr => "— 0 écart",
    };
    for (line, _) in options {
        assert!(line.starts_with('✓') && line.ends_with(none), "{line}");
    }
    h.key(KeyCode::Esc).await;

    // The accounts with their figures.
    h.char('b').await;
    h.pump_until("the accounts", |app| {
        matches!(
            &app.popup,
            Some(Popup::Picker {
                options: Some(_),
                ..
            })
        )
    })
    .await;
    let Some(Popup::Picker {
        options: Some(options),
        ..
    }) = &h.app.popup
    else {
        unreachable!()
    };
    assert!(
        options.iter().any(|(l, _)| l.contains(&balance)),
        "the escrow account's balance is listed"
    );
}

#[tokio::test]
async fn finance_reads_the_escrow_account_in_english() {
    ledger_through_escrow(Locale::En, "ledger_detail_en_120x40").await;
}

#[tokio::test]
async fn finance_reads_the_escrow_account_in_french() {
    ledger_through_escrow(Locale::Fr, "ledger_detail_fr_120x40").await;
}

/// A term the ledger cannot use is an error in the filter bar, and the list stays.
#[tokio::test]
async fn ledger_filter_terms_it_cannot_use_are_errors() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, Locale::En, "ledger", TabId::Ledger).await;
    let before = h.app.screens.ledger.list.rows.len();
    for (typed, said) in [
        ("status:held", "status:held: this list has no such field"),
        ("account:bank", "account:bank: not understood"),
        ("code:five", "code:five"),
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
        assert_eq!(h.app.screens.ledger.list.rows.len(), before);
    }
    filter(&mut h, "account:escrow currency:xaf code:5").await;
    let rows = &h.app.screens.ledger.list.rows;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|t| t.currency == "XAF" && t.code == 5));
}

/// A pending collection confirmed under the provider's reference: the reference is asked,
/// then a confirmation naming the amount; the payment succeeds and its escrow is funded.
#[tokio::test]
async fn finance_confirms_a_pending_collection() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, Locale::En, "payments", TabId::Payments).await;
    filter(&mut h, "status:pending direction:collection").await;
    let row = h
        .app
        .screens
        .payments
        .list
        .current()
        .cloned()
        .expect("a pending collection");
    assert_eq!(
        (row.status.as_str(), row.direction.as_str()),
        ("pending", "collection")
    );
    let escrow_id = row.escrow_id.expect("into an escrow");
    let before = store::escrows::get(&mut db.clone(), escrow_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before.status, "awaiting_funds");
    h.char('K').await;
    assert!(
        matches!(h.app.popup, Some(Popup::Prompt { .. })),
        "the reference is asked first"
    );
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text("OM-2611-TEST-42").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the confirmation", |app| {
        matches!(app.popup, Some(Popup::Confirm { .. }))
    })
    .await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        unreachable!()
    };
    let amount = money(row.amount, &row.currency, Locale::En);
    assert!(question.contains(&amount), "{question}");
    assert!(question.contains("OM-2611-TEST-42"), "{question}");
    h.char('y').await;
    h.pump_until("the toast", |app| app.toast.is_some()).await;
    let toast = h.app.toast.take().unwrap();
    assert_eq!(toast.level, Level::Success, "{}", toast.text);
    assert_eq!(
        toast.text,
        format!(
            "Payment #{} ({amount}) confirmed by {} under « OM-2611-TEST-42 ».",
            row.id,
            obryl::office::words::provider(&row.provider, Locale::En)
        )
    );
    let after = store::payments::get(&mut db.clone(), row.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.status, "succeeded");
    assert_eq!(after.provider_reference, "OM-2611-TEST-42");
    let escrow = store::escrows::get(&mut db.clone(), escrow_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(escrow.status, "held");
    assert_eq!(escrow.amount_held, before.amount_held + row.amount);
    // The ledger still holds.
    let v = obryl::office::escrow::verify(&mut db.clone())
        .await
        .unwrap();
    assert!(v.holds(), "{:?}", v.discrepancies);
}

/// Support may look but not record: `K` is refused naming the permission, nothing opens.
#[tokio::test]
async fn support_is_refused_naming_escrow_release() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, SUPPORT, Locale::En, "payments", TabId::Payments).await;
    filter(&mut h, "status:pending").await;
    let text = h.render(120, 40);
    let footer = text.lines().last().unwrap_or_default();
    assert!(
        !footer.contains("record confirmation"),
        "not offered: {footer}"
    );
    for key in ['K', 'x'] {
        h.char(key).await;
        assert!(h.app.popup.is_none(), "no prompt opens");
        let toast = h.app.toast.take().expect("a refusal");
        assert_eq!(toast.level, Level::Error);
        assert!(toast.text.contains("escrow.release"), "{}", toast.text);
    }
}

/// A succeeded transaction has nothing left to confirm: refused at once, naming its status.
#[tokio::test]
async fn a_succeeded_payment_is_refused_before_any_prompt() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, Locale::En, "payments", TabId::Payments).await;
    filter(&mut h, "status:succeeded").await;
    let row = h.app.screens.payments.list.current().cloned().unwrap();
    h.char('K').await;
    assert!(h.app.popup.is_none(), "no prompt opens");
    let toast = h.app.toast.take().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    assert_eq!(
        toast.text,
        format!(
            "Payment #{} is succeeded: only initiated or pending transactions can be confirmed.",
            row.id
        )
    );
    h.char('x').await;
    assert!(h.app.popup.is_none());
    let toast = h.app.toast.take().expect("a refusal");
    assert!(toast.text.contains("is succeeded"), "{}", toast.text);
}

/// The transfers through the escrow accounts, paged forward then back: every one once, in
/// order, the same as a recount of them.
#[tokio::test]
async fn transfers_by_account_page_both_ways_without_repeats() {
    let (db, _dir) = demo_db().await;
    let mut c = db.clone();
    let f = TransferFilter {
        accounts: vec!["escrow".into()],
        ..TransferFilter::default()
    };
    let escrow_ids: BTreeSet<i64> = store::ledger::accounts(&mut c)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.code == "escrow")
        .map(|a| a.id)
        .collect();
    let all =
        store::ledger::page_transfers(&mut c, &TransferFilter::default(), &Anchor::First, 100_000)
            .await
            .unwrap()
            .rows;
    let expected: Vec<i64> = all
        .iter()
        .filter(|t| {
            escrow_ids.contains(&t.debit_account_id) || escrow_ids.contains(&t.credit_account_id)
        })
        .map(|t| t.id)
        .collect();
    assert!(expected.len() > 20, "the demo moves money through escrow");

    let mut forward = Vec::new();
    let mut anchor = Anchor::First;
    loop {
        let page = store::ledger::page_transfers(&mut c, &f, &anchor, 7)
            .await
            .unwrap();
        assert!(page.rows.len() <= 7);
        forward.extend(page.rows.iter().map(|t| t.id));
        match (page.has_after, page.rows.last()) {
            (true, Some(last)) => anchor = Anchor::After(Cursor::id(last.id)),
            _ => break,
        }
    }
    assert_eq!(forward, expected, "forward: each once, newest first");

    let mut backward: Vec<i64> = Vec::new();
    let mut anchor = Anchor::Last;
    loop {
        let page = store::ledger::page_transfers(&mut c, &f, &anchor, 7)
            .await
            .unwrap();
        let ids: Vec<i64> = page.rows.iter().map(|t| t.id).collect();
        assert!(
            ids.windows(2).all(|w| w[0] > w[1]),
            "each page newest first"
        );
        backward.splice(0..0, ids);
        match (page.has_before, page.rows.first()) {
            (true, Some(first)) => anchor = Anchor::Before(Cursor::id(first.id)),
            _ => break,
        }
    }
    assert_eq!(backward, expected, "backward: each once");
    let unique: BTreeSet<i64> = forward.iter().copied().collect();
    assert_eq!(unique.len(), forward.len());
}

/// `I` reconciles a provider's statement: the provider, then the file, then the report, whose
/// lines that do not match come first. The statement says a collection we still hold as
/// pending succeeded: choosing that line asks the same confirmation as `K`, and only yes
/// records it.
#[tokio::test]
async fn finance_reconciles_a_statement_and_records_what_it_shows() {
    use obryl::domain::Currency;
    use obryl::domain::statement::{FORMATS, write};
    let (db, dir) = demo_db().await;
    let mut h = open(&db, FINANCE, Locale::En, "payments", TabId::Payments).await;
    filter(&mut h, "status:pending direction:collection").await;
    let pending = h.app.screens.payments.list.current().cloned().unwrap();
    let provider = pending.provider.clone();
    let format = FORMATS.iter().find(|f| f.provider == provider).unwrap();
    let currency = Currency::parse(&pending.currency).unwrap();
    let at = pending.created_at.unwrap();
    let text = write(
        format,
        &[
            (
                pending.provider_reference.clone(),
                at,
                pending.amount,
                currency,
                "succeeded".into(),
            ),
            ("NOT-OURS-1".into(), at, 1_000, currency, "succeeded".into()),
        ],
    );
    let path = dir.path().join("statement.csv");
    std::fs::write(&path, text).unwrap();

    h.char('I').await;
    let Some(Popup::Picker {
        options: Some(options),
        ..
    }) = &h.app.popup
    else {
        panic!("the providers are offered: {:?}", h.app.popup.is_some())
    };
    let name = obryl::office::words::provider(&provider, Locale::En);
    let at_provider = options.iter().position(|(o, _)| *o == name).unwrap();
    for _ in 0..at_provider {
        h.key(KeyCode::Down).await;
    }
    h.key(KeyCode::Enter).await;
    assert!(matches!(h.app.popup, Some(Popup::Prompt { .. })));
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text(&path.display().to_string()).await;
    h.key(KeyCode::Enter).await;
    h.pump_until(
        "the report",
        |app| matches!(&app.popup, Some(Popup::Picker { options: Some(o), .. }) if o.len() > 1),
    )
    .await;
    let Some(Popup::Picker {
        title,
        options: Some(options),
        ..
    }) = &h.app.popup
    else {
        unreachable!()
    };
    assert!(
        title.starts_with(&format!("{name} statement: 2 lines")),
        "{title}"
    );
    let lines: Vec<&str> = options.iter().map(|(o, _)| o.as_str()).collect();
    assert!(
        lines[0].starts_with("✗ status differs") || lines[1].starts_with("✗ status differs"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("✗ missing on our side · NOT-OURS-1")),
        "{lines:?}"
    );
    let at_status = lines
        .iter()
        .position(|l| l.starts_with("✗ status differs"))
        .unwrap();
    // At 80 columns every line of the report reads in full (ours and the provider's side).
    let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let shown = h.render(80, 24);
    let flat: String = shown
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ");
    for line in &lines {
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            assert!(flat.contains(word), "{word:?} of {line:?} in\n{shown}");
        }
    }
    // Nothing is recorded by reading the report.
    let unchanged = store::payments::get(&mut db.clone(), pending.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.status, "pending");
    for _ in 0..at_status {
        h.key(KeyCode::Down).await;
    }
    h.key(KeyCode::Enter).await;
    h.pump_until("the confirmation", |app| {
        matches!(app.popup, Some(Popup::Confirm { .. }))
    })
    .await;
    h.char('y').await;
    h.pump_until("the toast", |app| app.toast.is_some()).await;
    let toast = h.app.toast.take().unwrap();
    assert_eq!(toast.level, Level::Success, "{}", toast.text);
    let after = store::payments::get(&mut db.clone(), pending.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.status, "succeeded");
}
