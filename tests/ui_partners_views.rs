//! What the partners' views say as an administrator meets them on the seeded demo opened as a
//! database of its own (no worker runs in this process): whether a worker delivers webhooks
//! and how to start one, in the view and in the toast of `T`; a refused field of a new
//! endpoint asked again with what was typed and its refusal, the other field kept; the
//! deliveries log following attempts as they land; revoked tokens listed and marked as
//! expired ones are. Snapshots at 80×24 and 160×45, in English and French.

mod common;

use chrono::Duration;
use common::ui::{Harness, demo_db};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::service::{Origin, tokens};
use obryl::store::{self, Anchor, Db};
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;

const ADMIN: &str = "admin@obryl.test";
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

fn tag(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "en",
        Locale::Fr => "fr",
    }
}

async fn webhooks(db: &Db, locale: Locale, private: bool) -> Harness {
    let mut opts = common::ui::options(locale, TabId::Projects);
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

async fn answer(h: &mut Harness, text: &str) {
    assert!(
        matches!(h.app.popup, Some(Popup::Prompt { .. })),
        "a question is asked before {text:?}"
    );
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text(text).await;
    h.key(KeyCode::Enter).await;
}

/// The open prompt's title and what it holds.
fn prompt(h: &Harness) -> (String, String) {
    match &h.app.popup {
        Some(Popup::Prompt { title, input, .. }) => (title.clone(), input.text()),
        _ => panic!("no prompt open"),
    }
}

/// The screen with the times the test made now (its token's creation and revocation) written
/// as placeholders of the same width, so the snapshot does not depend on the day.
fn timeless(text: &str) -> String {
    let forms = [
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "YYYY-MM-DD hh:mm"),
        (r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", "DD/MM/YYYY hh:mm"),
        (r"\b[A-Z][a-z]{2} \d{2} \d{2}:\d{2}", "Mmm DD hh:mm"),
        (r"\b\d{2}/\d{2} \d{2}:\d{2}", "DD/MM hh:mm"),
    ];
    let mut out = text.to_owned();
    for (pattern, placeholder) in forms {
        out = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&out, placeholder)
            .into_owned();
    }
    out
}

async fn prompt_titled(h: &mut Harness, what: &str, part: &'static str) {
    h.pump_until(
        what,
        move |app| matches!(&app.popup, Some(Popup::Prompt { title, .. }) if title.contains(part)),
    )
    .await;
}

/// No worker runs on this database: the view says so above the list, with the command that
/// starts one, and `T` says the test event waits for one instead of "on its way".
#[tokio::test]
async fn without_a_worker_the_view_and_the_test_toast_say_how_to_start_one() {
    for locale in [Locale::En, Locale::Fr] {
        let (db, _dir) = demo_db().await;
        let mut h = webhooks(&db, locale, false).await;
        for (w, hh) in SIZES {
            let text = h.render(w, hh);
            assert!(text.contains("obryl --as"), "{text}");
            insta::assert_snapshot!(format!("webhooks_no_worker_{}_{w}x{hh}", tag(locale)), text);
        }
        h.char('T').await;
        h.pump_until("the toast", |app| {
            app.toast
                .as_ref()
                .is_some_and(|t| t.level == Level::Success)
        })
        .await;
        let toast = h.app.toast.clone().unwrap().text;
        assert!(toast.contains("obryl --as"), "{toast}");
        assert!(
            !toast.contains("on its way") && !toast.contains("part vers"),
            "{toast}"
        );
        for (w, hh) in SIZES {
            let text = h.render(w, hh);
            insta::assert_snapshot!(
                format!("webhooks_test_queued_{}_{w}x{hh}", tag(locale)),
                text
            );
        }
    }
}

/// A worker holding the workers' lease with nothing left waiting: delivering, and `T` says
/// the event is on its way.
#[tokio::test]
async fn a_running_worker_is_named_and_the_test_event_is_on_its_way() {
    let (db, _dir) = demo_db().await;
    let now = obryl::service::now();
    // What the seed left waiting is given up, as a worker would have sent it by now.
    let endpoints = store::webhooks::page(&mut db.clone(), &Default::default(), &Anchor::First, 50)
        .await
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    for e in &endpoints.rows {
        store::deliveries::give_up_pending(&mut tx, e.id, "test", now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    assert!(
        store::leases::take(
            &db,
            "jobs",
            "host:1:test",
            now,
            now + Duration::seconds(120)
        )
        .await
        .unwrap()
    );
    let mut h = webhooks(&db, Locale::En, false).await;
    let text = h.render(160, 45);
    assert!(text.contains("A worker is delivering"), "{text}");
    assert!(!text.contains("obryl --as"), "{text}");
    h.char('T').await;
    h.pump_until("the toast", |app| {
        app.toast
            .as_ref()
            .is_some_and(|t| t.level == Level::Success)
    })
    .await;
    let toast = h.app.toast.clone().unwrap().text;
    assert!(toast.contains("on its way"), "{toast}");
}

/// A typo in the event types asks that field again, with its refusal and what was typed; the
/// URL typed before is kept, and the endpoint is added once the types are fixed.
#[tokio::test]
async fn a_typo_in_the_event_types_keeps_the_url_and_asks_that_field_again() {
    for locale in [Locale::En, Locale::Fr] {
        let (db, _dir) = demo_db().await;
        let mut h = webhooks(&db, locale, true).await;
        h.char('N').await;
        answer(&mut h, "http://127.0.0.1:9/compta-obryl").await;
        h.pump_until(
            "the event types",
            |app| matches!(&app.popup, Some(Popup::Prompt { input, .. }) if input.text() == "*"),
        )
        .await;
        answer(&mut h, "commission.approved, commision.paid").await;
        prompt_titled(&mut h, "the types asked again", "commision.paid").await;
        let (title, typed) = prompt(&h);
        assert_eq!(typed, "commission.approved, commision.paid", "{title}");
        for (w, hh) in SIZES {
            let text = h.render(w, hh);
            assert!(text.contains("commision.paid"), "{text}");
            insta::assert_snapshot!(
                format!("webhooks_types_again_{}_{w}x{hh}", tag(locale)),
                text
            );
        }
        // Only the typo is fixed: the URL was kept.
        answer(&mut h, "commission.approved, commission.paid").await;
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
        h.key(KeyCode::Esc).await;
        let page = store::webhooks::page(&mut db.clone(), &Default::default(), &Anchor::First, 10)
            .await
            .unwrap();
        let added = page
            .rows
            .iter()
            .find(|e| e.url == "http://127.0.0.1:9/compta-obryl")
            .expect("added with the URL typed first");
        assert_eq!(
            added.event_types,
            ["commission.approved", "commission.paid"]
        );
        // The cursor stands on the endpoint just added.
        let id = added.id;
        h.pump_until("the cursor on it", move |app| {
            app.screens.webhooks.list.current().map(|r| r.id) == Some(id)
        })
        .await;
    }
}

/// A URL the rules refuse is asked again at once, holding what was typed and saying why;
/// nothing is written.
#[tokio::test]
async fn a_refused_url_is_asked_again_with_what_was_typed() {
    let (db, _dir) = demo_db().await;
    let mut h = webhooks(&db, Locale::En, false).await;
    let before = h.app.screens.webhooks.list.rows.len();
    h.char('N').await;
    answer(&mut h, "https://[::ffff:0:127.0.0.1]/obryl").await;
    prompt_titled(&mut h, "the URL asked again", "loopback").await;
    let (_, typed) = prompt(&h);
    assert_eq!(typed, "https://[::ffff:0:127.0.0.1]/obryl");
    // Fixed, then the types: the endpoint is added.
    h.key(KeyCode::Esc).await;
    let page = store::webhooks::page(&mut db.clone(), &Default::default(), &Anchor::First, 100)
        .await
        .unwrap();
    assert_eq!(page.rows.len(), before);
}

/// Attempts are not audited: the deliveries log follows them through the feed's own change.
#[tokio::test]
async fn the_deliveries_log_follows_attempts_as_they_land() {
    let (db, _dir) = demo_db().await;
    let mut h = webhooks(&db, Locale::En, false).await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the detail", |app| {
        app.screens.webhooks.detail.content.is_some()
    })
    .await;
    let endpoint = h.app.screens.webhooks.list.current().unwrap().id;
    let detail = h.app.screens.webhooks.detail.content.as_ref().unwrap();
    let before = detail.deliveries.first().map_or(0, |d| d.id);
    // Another program queues a test event to it (a new attempt), and says so as the feed does.
    let admin = common::ui::actor(&db, ADMIN).await;
    let delivery = obryl::service::webhooks::send_test(&db, &admin, &Origin::cli(), endpoint)
        .await
        .unwrap();
    assert!(delivery > before);
    h.app.on_change(obryl::store::feed::Change::Deliveries {
        endpoint_id: Some(endpoint),
    });
    h.pump_until("the new attempt in the log", move |app| {
        app.screens
            .webhooks
            .detail
            .content
            .as_ref()
            .is_some_and(|d| d.deliveries.iter().any(|a| a.id == delivery))
    })
    .await;
    let text = h.render(160, 45);
    assert!(text.contains("waits for a worker"), "{text}");
}

/// A revoked token stays in the list, marked as an expired one is, with when and by whom in
/// its detail; it offers no second revocation.
#[tokio::test]
async fn revoked_tokens_stay_listed_and_marked() {
    for locale in [Locale::En, Locale::Fr] {
        let (db, _dir) = demo_db().await;
        let admin = common::ui::actor(&db, ADMIN).await;
        let made = tokens::create(
            &db,
            &admin,
            &Origin::cli(),
            &tokens::NewToken {
                name: "Ancien export compta",
                abilities: &["commissions:read".to_owned()],
                expires_in_days: Some(30),
            },
        )
        .await
        .unwrap();
        tokens::revoke(&db, &admin, &Origin::cli(), made.id)
            .await
            .unwrap();
        let mut h = Harness::new(&db, ADMIN, locale, TabId::Projects).await;
        h.char(':').await;
        h.type_text("tokens").await;
        h.key(KeyCode::Enter).await;
        let id = made.id;
        h.pump_until("the revoked token listed", move |app| {
            app.screens.tokens.list.rows.iter().any(|r| r.id == id)
        })
        .await;
        let row = h
            .app
            .screens
            .tokens
            .list
            .rows
            .iter()
            .find(|r| r.id == id)
            .unwrap();
        assert!(row.revoked_at.is_some() && row.revoked_by.is_some());
        assert_eq!(row.name, "Ancien export compta");
        assert_eq!(h.app.screens.tokens.list.current().map(|r| r.id), Some(id));
        let word = match locale {
            Locale::En => "revoked",
            Locale::Fr => "révoqué",
        };
        // The list: the revoked token beside the expired one, each saying so.
        for (w, hh) in SIZES {
            let text = h.render(w, hh);
            assert!(text.contains(word), "{text}");
            let name = format!("tokens_revoked_list_{}_{w}x{hh}", tag(locale));
            insta::assert_snapshot!(name, timeless(&text));
        }
        // Its detail: when and by whom.
        h.key(KeyCode::Enter).await;
        h.pump_until("its detail", |app| {
            app.screens.tokens.detail.content.is_some()
        })
        .await;
        for (w, hh) in SIZES {
            let text = h.render(w, hh);
            let name = format!("tokens_revoked_detail_{}_{w}x{hh}", tag(locale));
            insta::assert_snapshot!(name, timeless(&text));
        }
        // No second revocation: not offered, and refused if asked.
        h.char('O').await;
        assert!(h.app.popup.is_none());
        let said = h.app.toast.clone().unwrap();
        assert_eq!(said.level, Level::Error, "{}", said.text);
    }
}

/// docs/WEBHOOKS.md names the view's keys as the view declares them (it once said `r` for
/// rotating a secret, a key the view never had).
#[test]
fn the_webhooks_doc_names_the_keys_the_view_declares() {
    use obryl::ui::screens::webhooks::jobs;
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/WEBHOOKS.md"))
        .expect("docs/WEBHOOKS.md");
    let key = |verb| {
        jobs::ACTIONS
            .iter()
            .find(|d| d.verb == verb)
            .map(|d| d.keys[0])
            .unwrap()
    };
    let rotate = key(jobs::ROTATE);
    assert!(
        doc.contains(&format!("(or `{rotate}` in the Webhooks view)")),
        "docs/WEBHOOKS.md should name `{rotate}` for rotating a secret"
    );
}
