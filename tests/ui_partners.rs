//! The partners' views as an administrator meets them on the seeded demo: API tokens created
//! (shown once, only their SHA-256 kept) and revoked, and the refusal of anyone without the
//! permission before anything opens.

mod common;

use common::ui::{Harness, demo_db};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::store::{self, Anchor, Db};
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;

const ADMIN: &str = "admin@obryl.test";
const FINANCE: &str = "finance@obryl.test";

async fn open(db: &Db, email: &str, locale: Locale, name: &str) -> Harness {
    let mut h = Harness::new(db, email, locale, TabId::Projects).await;
    h.char(':').await;
    h.type_text(name).await;
    h.key(KeyCode::Enter).await;
    h
}

async fn answer(h: &mut Harness, text: &str) {
    assert!(
        matches!(h.app.popup, Some(Popup::Prompt { .. })),
        "a question is asked before {text:?}"
    );
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text(text).await;
    h.key(KeyCode::Enter).await;
}

/// `N` asks the name, the abilities and the lifetime; the token is shown once, and the
/// database holds its hash only. `O` revokes it after a confirmation naming it.
#[tokio::test]
async fn admin_creates_a_token_seen_once_then_revokes_it() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, ADMIN, Locale::En, "tokens").await;
    assert_eq!(h.app.tab, TabId::Tokens);
    h.pump_until("the tokens", |app| !app.screens.tokens.list.rows.is_empty())
        .await;
    h.char('N').await;
    answer(&mut h, "Accounting partner").await;
    h.pump_until("the abilities", |app| {
        matches!(app.popup, Some(Popup::Prompt { .. }))
    })
    .await;
    answer(&mut h, "projects:read, escrows:read").await;
    h.pump_until("the lifetime", |app| {
        matches!(app.popup, Some(Popup::Prompt { .. }))
    })
    .await;
    answer(&mut h, "30").await;
    h.pump_until("the token shown once", |app| {
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
    assert!(title.contains("will not be shown again"), "{title}");
    let plaintext = options[0].0.clone();
    let (id, secret) = plaintext.split_once('|').expect("ID|secret");
    let id: i64 = id.parse().unwrap();
    assert!(secret.len() >= 40, "{secret}");
    let toast = h.app.toast.clone().unwrap();
    assert_eq!(toast.level, Level::Success, "{}", toast.text);
    h.key(KeyCode::Esc).await;
    assert!(h.app.popup.is_none());

    let row = store::tokens::find(&mut db.clone(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "Accounting partner");
    assert_eq!(
        row.abilities.as_deref(),
        Some(r#"["projects:read","escrows:read"]"#)
    );
    let stored = store::tokens::secret_by_id(&mut db.clone(), id)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.hash, secret, "the secret itself is not kept");
    assert_eq!(stored.hash, obryl::domain::api_token::hash_secret(secret));

    h.pump_until("the new token listed", move |app| {
        app.screens.tokens.list.rows.iter().any(|r| r.id == id)
    })
    .await;
    h.char('g').await;
    for _ in 0..20 {
        if h.app.screens.tokens.list.current().map(|r| r.id) == Some(id) {
            break;
        }
        h.key(KeyCode::Down).await;
    }
    assert_eq!(h.app.screens.tokens.list.current().map(|r| r.id), Some(id));
    h.char('O').await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        panic!("revoking asks first")
    };
    assert!(question.contains("Accounting partner"), "{question}");
    h.char('y').await;
    h.pump_until("the toast", |app| {
        app.toast
            .as_ref()
            .is_some_and(|t| t.text.contains("revoked"))
    })
    .await;
    assert!(
        store::tokens::find(&mut db.clone(), id)
            .await
            .unwrap()
            .is_none()
    );
    let page = store::tokens::page(&mut db.clone(), &Default::default(), &Anchor::First, 100)
        .await
        .unwrap();
    assert!(page.rows.iter().all(|r| r.id != id));
}

/// Finance does not hold api_tokens.manage: the view does not open, and says why.
#[tokio::test]
async fn finance_is_refused_the_tokens_view_naming_the_permission() {
    let (db, _dir) = demo_db().await;
    let h = open(&db, FINANCE, Locale::Fr, "tokens").await;
    assert_ne!(h.app.tab, TabId::Tokens);
    let text = h
        .app
        .last_error
        .clone()
        .or(h.app.toast.as_ref().map(|t| t.text.clone()))
        .unwrap_or_default();
    assert!(text.contains("api_tokens.manage"), "{text}");
}

async fn webhooks(db: &Db, private: bool) -> Harness {
    let mut opts = common::ui::options(Locale::En, TabId::Projects);
    opts.webhook_policy.allow_private_addresses = private;
    let mut h = Harness::with_options(db, ADMIN, opts).await;
    h.char(':').await;
    h.type_text("webhooks").await;
    h.key(KeyCode::Enter).await;
    assert_eq!(h.app.tab, TabId::Webhooks);
    h.pump_until("the endpoints", |app| {
        !app.screens.webhooks.list.rows.is_empty()
    })
    .await;
    h
}

/// `N` asks the URL and the event types, and shows the signing secret once; `O` disables
/// the endpoint after a confirmation naming it.
#[tokio::test]
async fn admin_adds_an_endpoint_sees_its_secret_once_then_disables_it() {
    let (db, _dir) = demo_db().await;
    let mut h = webhooks(&db, true).await;
    h.char('N').await;
    answer(&mut h, "http://127.0.0.1:9/obryl").await;
    h.pump_until("the event types", |app| {
        matches!(app.popup, Some(Popup::Prompt { .. }))
    })
    .await;
    answer(&mut h, "commission.approved, escrow.released").await;
    h.pump_until("the secret shown once", |app| {
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
    let secret = options[0].0.clone();
    assert!(secret.starts_with("whsec_"), "{secret}");
    h.key(KeyCode::Esc).await;
    let page = store::webhooks::page(&mut db.clone(), &Default::default(), &Anchor::First, 10)
        .await
        .unwrap();
    let added = page
        .rows
        .iter()
        .find(|e| e.url == "http://127.0.0.1:9/obryl")
        .unwrap();
    assert_eq!(
        added.event_types,
        vec!["commission.approved", "escrow.released"]
    );
    let (stored, _, _) = store::webhooks::secrets(&mut db.clone(), added.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, secret);

    let id = added.id;
    h.pump_until("the new endpoint listed", move |app| {
        app.screens.webhooks.list.rows.iter().any(|r| r.id == id)
    })
    .await;
    h.char('g').await;
    for _ in 0..20 {
        if h.app.screens.webhooks.list.current().map(|r| r.id) == Some(id) {
            break;
        }
        h.key(KeyCode::Down).await;
    }
    assert_eq!(
        h.app.screens.webhooks.list.current().map(|r| r.id),
        Some(id)
    );
    h.char('O').await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        panic!("disabling asks first")
    };
    assert!(question.contains("127.0.0.1:9/obryl"), "{question}");
    h.char('y').await;
    h.pump_until("the toast", |app| {
        app.toast
            .as_ref()
            .is_some_and(|t| t.text.contains("disabled"))
    })
    .await;
    let now = store::webhooks::get(&mut db.clone(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.status, "disabled");
}

/// Without `webhooks.allow_private_addresses`, a loopback URL is refused by its rule at its
/// own question (asked again with what was typed), and nothing is written.
#[tokio::test]
async fn a_loopback_endpoint_is_refused_naming_the_rule() {
    let (db, _dir) = demo_db().await;
    let mut h = webhooks(&db, false).await;
    let before = h.app.screens.webhooks.list.rows.len();
    h.char('N').await;
    answer(&mut h, "https://127.0.0.1/obryl").await;
    h.pump_until(
        "the URL asked again",
        |app| matches!(&app.popup, Some(Popup::Prompt { title, .. }) if title.contains("loopback")),
    )
    .await;
    let Some(Popup::Prompt { input, .. }) = &h.app.popup else {
        unreachable!()
    };
    assert_eq!(input.text(), "https://127.0.0.1/obryl");
    h.key(KeyCode::Esc).await;
    let page = store::webhooks::page(&mut db.clone(), &Default::default(), &Anchor::First, 100)
        .await
        .unwrap();
    assert_eq!(page.rows.len(), before);
}
