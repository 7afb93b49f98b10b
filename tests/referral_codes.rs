//! Referral codes on real SQLite and PostgreSQL: created for a client or developer by staff
//! holding `referrals.manage` (the program's default rate unless given, caps per currency,
//! audited), refused with the reason and nothing written otherwise (another staff role, a
//! staff owner, a malformed or taken code, a past expiry, a negative cap), disabled once; and
//! the commands through the real binary on the demo.

mod common;

use common::cli::{code, json, text};
use common::fixtures::{self, AWA, CLIENT, FATOU};
use common::ui::demo_db;
use obryl::domain::Currency;
use obryl::service::referrals::{Caps, NewCode, code as show, codes, create_code, disable_code};
use obryl::service::{Origin, ServiceError};
use obryl::store::{self, Db};

fn email(id: i64) -> String {
    format!("u{id}@obryl.test")
}

async fn audits(db: &Db) -> i64 {
    store::audit::count_for(&mut db.clone(), "referral_code", 1, None)
        .await
        .unwrap()
        + store::audit::count_for(&mut db.clone(), "referral_code", 2, None)
            .await
            .unwrap()
}

async fn rules(db: &Db) {
    fixtures::world(db).await;
    let finance = fixtures::actor(db, AWA).await;
    let support = fixtures::actor(db, FATOU).await;
    let o = Origin::cli();
    let new = NewCode {
        owner_email: email(CLIENT),
        code: Some(" awa-2026 ".into()),
        caps: vec![(
            Currency::XOF,
            Caps {
                per_reward: Some(20_000),
                per_referral: Some(50_000),
            },
        )],
        ..NewCode::default()
    };

    // Support may not: the permission is named, nothing is written.
    let e = create_code(db, &support, &o, &new).await.unwrap_err();
    assert!(e.to_string().contains("referrals.manage"), "{e}");
    assert!(
        codes(db, &support, 50)
            .await
            .unwrap()
            .iter()
            .all(|c| c.code != "AWA-2026")
    );

    let row = create_code(db, &finance, &o, &new).await.unwrap();
    assert_eq!(row.code, "AWA-2026");
    assert_eq!(row.user_id, CLIENT);
    assert_eq!(row.reward_rate_bps, 1_000, "the program's default rate");
    assert_eq!(row.created_by, Some(AWA));
    let caps = row.reward_caps.clone().unwrap();
    assert_eq!(caps["XOF"]["per_reward"], 20_000);
    assert_eq!(caps["XOF"]["per_referral"], 50_000);
    assert_eq!(audits(db).await, 1);

    // Refusals, each with its reason, none written.
    let refused = |e: ServiceError| e.to_string();
    let taken = create_code(db, &finance, &o, &new).await.unwrap_err();
    assert!(matches!(taken, ServiceError::Duplicate { .. }), "{taken}");
    let staff_owner = NewCode {
        owner_email: email(FATOU),
        code: None,
        ..new.clone()
    };
    let e = create_code(db, &finance, &o, &staff_owner)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Invalid { .. }), "{}", refused(e));
    for bad in [
        NewCode {
            code: Some("ab".into()),
            ..new.clone()
        },
        NewCode {
            code: Some("awa 2026!".into()),
            ..new.clone()
        },
        NewCode {
            code: Some("LATE-1".into()),
            expires_at: Some(chrono::Utc::now() - chrono::Duration::days(1)),
            ..new.clone()
        },
        NewCode {
            code: Some("NEG-1".into()),
            caps: vec![(
                Currency::EUR,
                Caps {
                    per_reward: Some(-1),
                    per_referral: None,
                },
            )],
            ..new.clone()
        },
    ] {
        let e = create_code(db, &finance, &o, &bad).await.unwrap_err();
        assert!(matches!(e, ServiceError::Invalid { .. }), "{e}");
    }
    let rate = NewCode {
        code: Some("RATE-1".into()),
        rate_bps: Some(10_001),
        ..new.clone()
    };
    assert!(create_code(db, &finance, &o, &rate).await.is_err());
    assert_eq!(audits(db).await, 1, "refusals write nothing");

    // Any staff member reads it; disabling is once, audited.
    let (shown, referred) = show(db, &support, "awa-2026").await.unwrap();
    assert_eq!((shown.id, referred.len()), (row.id, 0));
    assert!(disable_code(db, &support, &o, "AWA-2026").await.is_err());
    assert!(disable_code(db, &finance, &o, "AWA-2026").await.unwrap());
    assert!(!disable_code(db, &finance, &o, "AWA-2026").await.unwrap());
    assert_eq!(audits(db).await, 2);
    let (shown, _) = show(db, &support, "AWA-2026").await.unwrap();
    assert!(shown.disabled_at.is_some());
    assert_eq!(shown.disabled_by, Some(AWA));

    // The program's settings: finance changes them within their bounds; the new default rate
    // is what the next code gets.
    let set = |name: &'static str, value: serde_json::Value| {
        let finance = finance.clone();
        async move {
            obryl::service::settings::update(db, &finance, &Origin::cli(), "referrals", name, value)
                .await
        }
    };
    assert!(set("hold_days", serde_json::json!(400)).await.is_err());
    assert!(set("window_months", serde_json::json!(0)).await.is_err());
    assert!(
        set("min_payout", serde_json::json!({"XOF": -1}))
            .await
            .is_err()
    );
    set("hold_days", serde_json::json!(14)).await.unwrap();
    set("default_rate_bps", serde_json::json!(750))
        .await
        .unwrap();
    let next = NewCode {
        code: Some("NEXT-1".into()),
        ..new.clone()
    };
    assert_eq!(
        create_code(db, &finance, &o, &next)
            .await
            .unwrap()
            .reward_rate_bps,
        750
    );
}

#[tokio::test]
async fn codes_are_created_refused_and_disabled_by_the_rules() {
    on_all!(|db| rules(&db).await);
}

#[tokio::test]
async fn referral_codes_from_the_command_line() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    // A client or developer of the demo (no staff role).
    let Db::Sqlite(pool) = &db else {
        unreachable!("the demo is SQLite")
    };
    let (owner,): (String,) = sqlx::query_as(
        "SELECT email FROM users WHERE deleted_at IS NULL AND id NOT IN \
         (SELECT m.model_id FROM model_has_roles m JOIN roles r ON r.id = m.role_id \
          WHERE r.name NOT IN ('client', 'developer')) ORDER BY id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let run = |who: &str, args: &[&str]| {
        let mut all = vec!["--as", who, "referral", "code"];
        all.extend_from_slice(args);
        common::cli::obryl(&path, &all)
    };

    let o = run("support@obryl.test", &["create", "--owner", &owner]);
    assert_eq!(code(&o), Some(1), "{}", text(&o));
    assert!(text(&o).contains("referrals.manage"), "{}", text(&o));

    let o = run(
        "finance@obryl.test",
        &[
            "create",
            "--owner",
            &owner,
            "--code",
            "demo-2027",
            "--rate-bps",
            "1500",
            "--cap",
            "XOF:20 000/50 000",
            "--json",
        ],
    );
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let created = json(&o);
    assert_eq!(created["code"], "DEMO-2027");
    assert_eq!(created["reward_rate_bps"], 1500);
    assert_eq!(created["caps"]["XOF"]["per_referral"], 50_000);
    assert_eq!(
        created["link"],
        "https://obryl.example.test/inscription?parrain=DEMO-2027"
    );

    let o = run("support@obryl.test", &["list", "--json"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let list = json(&o);
    let list = list.as_array().unwrap();
    assert!(list.len() > 6, "the demo's codes and the new one");
    assert_eq!(list[0]["code"], "DEMO-2027", "newest first");

    let o = run("support@obryl.test", &["list"]);
    assert!(
        text(&o).contains("DEMO-2027") && text(&o).contains("15"),
        "{}",
        text(&o)
    );

    let o = run("finance@obryl.test", &["disable", "DEMO-2027"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let o = run("finance@obryl.test", &["show", "demo-2027", "--json"]);
    assert_eq!(json(&o)["state"], "disabled");

    let o = run(
        "finance@obryl.test",
        &["create", "--owner", &owner, "--cap", "XOF"],
    );
    assert_ne!(code(&o), Some(0));
    assert!(text(&o).contains("CURRENCY:PER_REWARD"), "{}", text(&o));
}

async fn open_referrals(h: &mut common::ui::Harness) {
    h.char(':').await;
    h.type_text("referrals").await;
    h.key(crossterm::event::KeyCode::Enter).await;
    h.pump_until("the codes", |app| {
        !app.screens.referrals.list.rows.is_empty()
    })
    .await;
}

/// The `:referrals` view: the demo's codes newest first; finance disables one after a
/// confirmation naming it; support is refused, the permission named.
#[tokio::test]
async fn the_referrals_view_lists_codes_and_disables_one() {
    use common::ui::Harness;
    use obryl::domain::Locale;
    use obryl::ui::popup::Popup;
    use obryl::ui::screens::TabId;
    use obryl::ui::widgets::toast::Level;

    let (db, _dir) = demo_db().await;
    let mut s = Harness::new(&db, "support@obryl.test", Locale::En, TabId::Projects).await;
    open_referrals(&mut s).await;
    let text = s.render(140, 30);
    assert!(
        text.contains("Referral codes") && text.contains("Brought"),
        "{text}"
    );
    s.char('X').await;
    assert!(s.app.popup.is_none());
    let toast = s.app.toast.as_ref().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    assert!(toast.text.contains("referrals.manage"), "{}", toast.text);

    let mut f = Harness::new(&db, "finance@obryl.test", Locale::Fr, TabId::Projects).await;
    open_referrals(&mut f).await;
    let rows = &f.app.screens.referrals.list.rows;
    assert!(rows.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let first = rows[0].code.clone();
    f.char('X').await;
    match &f.app.popup {
        Some(Popup::Confirm { question, .. }) => assert!(question.contains(&first), "{question}"),
        _ => panic!("a confirmation"),
    }
    f.char('o').await;
    f.pump_until("the disabling", |app| app.toast.is_some())
        .await;
    let said = f.app.toast.take().unwrap();
    assert_eq!(said.level, Level::Success, "{}", said.text);
    let code = store::referrals::by_code(&mut db.clone(), &first)
        .await
        .unwrap()
        .unwrap();
    assert!(code.disabled_at.is_some());
}
