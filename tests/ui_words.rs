//! Screens speak to people in their language, never in codes: payment providers, ledger
//! accounts and transfer keys, settings, history values and system messages in words, at
//! 80×24 and 160×45, in English and in French, on the seeded demo.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test ui_words`.

mod common;

use chrono::Duration;
use common::ui::{Harness, anchor, demo_db};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::store::escrows::Filter;
use obryl::store::{self, Anchor, Db};
use obryl::ui::screens::TabId;

const FINANCE: &str = "finance@obryl.test";
const ADMIN: &str = "admin@obryl.test";

/// Codes no screen shows people (exports and JSON keep them).
const CODES: [&str; 12] = [
    "mtn_momo",
    "orange_money",
    "moov_money",
    "psp_clearing",
    "client_funds",
    "developer_payable",
    "platform_revenue",
    "collection:p",
    "release:p",
    "default_rate_bps",
    "dual_approval_threshold",
    "{\"",
];

/// Whether `text` holds a time as the database stores it (`2026-11-23T08:43`).
fn has_iso_time(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(6).any(|w| {
        w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && w[2] == b'T'
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
            && w[5] == b':'
    })
}

fn tag(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "en",
        Locale::Fr => "fr",
    }
}

/// Opens the view `name` (a palette command), narrows it with `filter`, and opens the
/// current row's detail.
async fn open(db: &Db, email: &str, locale: Locale, name: &str, filter: &str) -> Harness {
    let mut h = Harness::new(db, email, locale, TabId::Projects).await;
    if name == "audit" {
        h.char('5').await;
    } else {
        h.char(':').await;
        h.type_text(name).await;
        h.key(KeyCode::Enter).await;
    }
    h.pump().await;
    if !filter.is_empty() {
        h.char('/').await;
        h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
        h.type_text(filter).await;
        h.key(KeyCode::Enter).await;
        h.pump().await;
        assert!(h.app.popup.is_none(), "{name}: {filter} is understood");
    }
    h.key(KeyCode::Enter).await;
    h.pump().await;
    h
}

/// The screen at both sizes, with no code in it.
async fn snapshots(h: &mut Harness, name: &str, locale: Locale, extra_codes: &[&str]) {
    for (w, ht) in [(80, 24), (160, 45)] {
        h.resize(w, ht);
        h.pump().await;
        let text = h.render(w, ht);
        for code in CODES.iter().chain(extra_codes) {
            assert!(
                !text.contains(code),
                "{name} {w}×{ht} shows {code}:\n{text}"
            );
        }
        insta::assert_snapshot!(format!("words_{name}_{}_{w}x{ht}", tag(locale)), text);
    }
}

/// A held escrow with, in its project's thread, a system message kept with its key (written
/// in French for the client) and one written before keys were kept.
async fn escrow_with_messages(db: &Db) -> (i64, i64) {
    let filter = Filter {
        statuses: vec!["held".into()],
        ..Default::default()
    };
    let page = store::escrows::page(&mut db.clone(), &filter, &Anchor::First, 1)
        .await
        .unwrap();
    let row = page.rows[0].clone();
    let mut tx = db.begin().await.unwrap();
    let at = anchor() - Duration::minutes(30);
    let conv = store::messages::ensure_conversation(&mut tx, "project", row.project_id, "t", at)
        .await
        .unwrap();
    store::messages::insert(&mut tx, conv, None, "Ancien message système", false, at)
        .await
        .unwrap();
    let data = serde_json::json!({
        "key": "escrow.system.released",
        "args": {"amount": {"minor": 250_000, "currency": row.currency}},
    });
    let at = anchor() - Duration::minutes(10);
    store::messages::insert_system(&mut tx, conv, "Fonds libérés : 250 000 XOF", data, at)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (row.id, row.project_id)
}

async fn escrow_detail(locale: Locale) {
    let (db, _dir) = demo_db().await;
    let (_, project) = escrow_with_messages(&db).await;
    let mut h = open(
        &db,
        FINANCE,
        locale,
        "escrow",
        &format!("project:{project}"),
    )
    .await;
    h.resize(160, 45);
    h.pump().await;
    let text = h.render(160, 45);
    let (said, other) = match locale {
        Locale::En => ("Funds released: 250,000 XOF", "Fonds libérés"),
        Locale::Fr => ("Fonds libérés : 250 000 XOF", "Funds released"),
    };
    assert!(text.contains(said), "{text}");
    assert!(!text.contains(other), "{text}");
    // Older rows still show what they say.
    assert!(text.contains("Ancien message système"), "{text}");
    snapshots(&mut h, "escrow", locale, &[]).await;
}

#[tokio::test]
async fn escrow_detail_in_english() {
    escrow_detail(Locale::En).await;
}

#[tokio::test]
async fn escrow_detail_in_french() {
    escrow_detail(Locale::Fr).await;
}

async fn ledger(locale: Locale) {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, locale, "ledger", "account:escrow").await;
    snapshots(&mut h, "ledger", locale, &["escrow → ", " · 5 ·"]).await;
}

#[tokio::test]
async fn ledger_in_english() {
    ledger(Locale::En).await;
}

#[tokio::test]
async fn ledger_in_french() {
    ledger(Locale::Fr).await;
}

async fn settings(locale: Locale) {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, ADMIN, locale, "settings", "").await;
    let text = h.render(160, 45);
    let label = match locale {
        Locale::En => "Default commission rate",
        Locale::Fr => "Taux de commission par défaut",
    };
    assert!(text.contains(label), "{text}");
    snapshots(
        &mut h,
        "settings",
        locale,
        &["commission.", "support.", "escrow."],
    )
    .await;
}

#[tokio::test]
async fn settings_in_english() {
    settings(Locale::En).await;
}

#[tokio::test]
async fn settings_in_french() {
    settings(Locale::Fr).await;
}

async fn payments(locale: Locale) {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, FINANCE, locale, "payments", "").await;
    // Statuses and directions in the language (in English, their words are their codes).
    let codes: &[&str] = match locale {
        Locale::En => &[],
        Locale::Fr => &["succeeded", "collection", "payout"],
    };
    snapshots(&mut h, "payments", locale, codes).await;
}

#[tokio::test]
async fn payments_in_english() {
    payments(Locale::En).await;
}

#[tokio::test]
async fn payments_in_french() {
    payments(Locale::Fr).await;
}

async fn audit(locale: Locale) {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, ADMIN, locale, "audit", "type:escrow").await;
    let text = h.render(160, 45);
    // Times in the staff member's format, never as stored.
    assert!(!has_iso_time(&text) && !text.contains("+00:00"), "{text}");
    snapshots(&mut h, "audit", locale, &["amount_held"]).await;
}

#[tokio::test]
async fn audit_in_english() {
    audit(Locale::En).await;
}

#[tokio::test]
async fn audit_in_french() {
    audit(Locale::Fr).await;
}
