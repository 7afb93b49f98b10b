//! Fraud flags on referrals, on every backend: from rows as the platform writes them, each
//! signal fires with its evidence (a shared phone, payout account or private e-mail domain, a
//! project between the two, a code used beyond the day's limit), a clean referral has none;
//! the check is idempotent and audited, support may list but not check; an assignment that
//! makes the two hire each other flags their referral. Then the demo through the real binary
//! (`referral list --flagged`, `referral check`) and the `:referrals` view's detail.

mod common;

use chrono::{DateTime, Duration, Utc};
use obryl::service::referral_flags::{self, Report};
use obryl::service::{Origin, ServiceError};
use obryl::store::{self, Db, bulk};
use sea_query::Value;
use serde_json::Value as JsonValue;

use common::cli::{code, json, text};
use common::fixtures::{self, AWA, FATOU, SEKOU};

/// Any bcrypt hash: nobody logs in as these people.
const HASH: &str = "$2y$12$H4aG6ZvgaLAHEquoN9PEpeI5ECWzr.R0H0bBEBLzcZq85IDQiq.HS";

/// The referrer every referral below but the burst has, and the burst's code owner.
const REFERRER: i64 = 20;
const BURST_OWNER: i64 = 25;

/// Platform users: (id, email, phone).
async fn people(db: &Db, rows: &[(i64, &str, &str)], at: DateTime<Utc>) {
    let mut tx = db.begin().await.unwrap();
    bulk::insert_rows(
        &mut tx,
        "users",
        &[
            "id",
            "name",
            "name_key",
            "email",
            "password",
            "phone",
            "locale",
            "created_at",
            "updated_at",
        ],
        rows.iter()
            .map(|(id, email, phone)| {
                let name = format!("Personne {id}");
                vec![
                    Value::from(*id),
                    name.clone().into(),
                    obryl::domain::sort_key(&name).into(),
                    (*email).into(),
                    HASH.into(),
                    (*phone).into(),
                    "fr".into(),
                    at.into(),
                    at.into(),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Profiles: (id, user, type, payout account).
async fn profiles(db: &Db, rows: &[(i64, i64, &str, Option<&str>)]) {
    let mut tx = db.begin().await.unwrap();
    bulk::insert_rows(
        &mut tx,
        "profiles",
        &[
            "id",
            "user_id",
            "type",
            "display_name",
            "skills",
            "availability",
            "weekly_capacity_hours",
            "max_active_projects",
            "payout_method",
            "payout_account",
        ],
        rows.iter()
            .map(|(id, user, kind, account)| {
                vec![
                    Value::from(*id),
                    (*user).into(),
                    (*kind).into(),
                    format!("profile {user}").into(),
                    Value::from(serde_json::json!(["laravel"])),
                    "available".into(),
                    40.into(),
                    3.into(),
                    account.map(|_| "wave".to_owned()).into(),
                    account.map(str::to_owned).into(),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Codes: (id, owner, code).
async fn codes(db: &Db, rows: &[(i64, i64, &str)], at: DateTime<Utc>) {
    let mut tx = db.begin().await.unwrap();
    bulk::insert_rows(
        &mut tx,
        "referral_codes",
        &[
            "id",
            "user_id",
            "code",
            "reward_rate_bps",
            "uses",
            "created_at",
            "updated_at",
        ],
        rows.iter()
            .map(|(id, owner, code)| {
                vec![
                    Value::from(*id),
                    (*owner).into(),
                    (*code).into(),
                    1000.into(),
                    0.into(),
                    at.into(),
                    at.into(),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Referrals as the platform writes them (flags left to their default): (id, code, referrer,
/// referred, signed up at).
async fn referrals(db: &Db, rows: &[(i64, i64, i64, i64, DateTime<Utc>)]) {
    let mut tx = db.begin().await.unwrap();
    bulk::insert_rows(
        &mut tx,
        "referrals",
        &[
            "id",
            "referral_code_id",
            "referrer_id",
            "referred_user_id",
            "created_at",
            "updated_at",
        ],
        rows.iter()
            .map(|(id, code, referrer, referred, at)| {
                vec![
                    Value::from(*id),
                    (*code).into(),
                    (*referrer).into(),
                    (*referred).into(),
                    (*at).into(),
                    (*at).into(),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// A project of `client`, open, or with `developer` when given.
async fn project(db: &Db, id: i64, client: i64, developer: Option<i64>) {
    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    bulk::insert_rows(
        &mut tx,
        "projects",
        &[
            "id",
            "client_id",
            "developer_id",
            "title",
            "slug",
            "budget_amount",
            "currency",
            "status",
            "estimated_hours",
            "deadline_at",
            "created_at",
            "updated_at",
        ],
        vec![vec![
            Value::from(id),
            client.into(),
            developer.into(),
            format!("Boutique en ligne n°{id}").into(),
            format!("boutique-{id}").into(),
            300_000.into(),
            "XOF".into(),
            if developer.is_some() {
                "completed"
            } else {
                "open"
            }
            .into(),
            8.into(),
            (now + Duration::days(10)).into(),
            now.into(),
            now.into(),
        ]],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// A change behind the service's back, as the platform (or a staff member) would make it.
async fn run_sql(db: &Db, sql: &'static str) {
    match db {
        Db::Sqlite(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
        Db::Postgres(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
        Db::MySql(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
    }
}

async fn flags(db: &Db, id: i64) -> Vec<JsonValue> {
    let row = store::referral_flags::get(&mut db.clone(), id)
        .await
        .unwrap()
        .unwrap();
    assert!(row.flags_checked_at.is_some(), "referral {id} checked");
    row.flags
        .and_then(|f| f.as_array().cloned())
        .unwrap_or_default()
}

fn codes_of(flags: &[JsonValue]) -> Vec<&str> {
    flags.iter().map(|f| f["code"].as_str().unwrap()).collect()
}

async fn audits(db: &Db, ids: impl IntoIterator<Item = i64>) -> i64 {
    let mut n = 0;
    for id in ids {
        n += store::audit::count_for(&mut db.clone(), "referral", id, None)
            .await
            .unwrap();
    }
    n
}

async fn check(db: &Db, by: i64, all: bool) -> Result<Report, ServiceError> {
    let actor = fixtures::actor(db, by).await;
    referral_flags::check(db, &actor, &Origin::cli(), all).await
}

/// The world of the signals: one referrer bringing five people, four of them suspect in one
/// way each; a code used three times one day (the limit set to two) and once another day.
async fn suspects(db: &Db) -> DateTime<Utc> {
    fixtures::world(db).await;
    // 09:00 UTC twenty days ago: the burst below stays within its day.
    let day = (Utc::now() - Duration::days(20))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    people(
        db,
        &[
            (REFERRER, "awa.diop@cabinet-diop.sn", "+221 77 100 21 84"),
            (21, "moussa@gmail.com", "+221771002184"),
            (22, "fatou@gmail.com", "+221 78 000 00 22"),
            (23, "ibrahima@Cabinet-Diop.sn", "+221 78 000 00 23"),
            (24, "akissi@yahoo.fr", "+225 07 000 00 24"),
            (BURST_OWNER, "koffi@gmail.com", "+225 07 000 00 25"),
            (26, "a26@gmail.com", "+225 07 000 00 26"),
            (27, "a27@gmail.com", "+225 07 000 00 27"),
            (28, "a28@gmail.com", "+225 07 000 00 28"),
            (29, "a29@gmail.com", "+225 07 000 00 29"),
        ],
        day - Duration::days(60),
    )
    .await;
    profiles(
        db,
        &[
            (10, REFERRER, "developer", Some("SN08 SN01 0015 2000 0253")),
            (11, 22, "developer", Some("sn08sn0100152000-0253")),
            (12, 24, "client", None),
        ],
    )
    .await;
    codes(
        db,
        &[(1, REFERRER, "AWA-2026"), (2, BURST_OWNER, "KOFFI-99")],
        day,
    )
    .await;
    // Akissi (24) hired the referrer on a project.
    project(db, 9, 24, Some(REFERRER)).await;
    // AWA-2026: one sign-up a day, the days before.
    let at = |days_before: i64| day - Duration::days(days_before);
    referrals(
        db,
        &[
            (1, 1, REFERRER, 21, at(4)),
            (2, 1, REFERRER, 22, at(3)),
            (3, 1, REFERRER, 23, at(2)),
            (4, 1, REFERRER, 24, at(1)),
            // KOFFI-99: three sign-ups in one day (the limit set to two), one on another day.
            (
                5,
                2,
                BURST_OWNER,
                26,
                day + Duration::days(2) + Duration::minutes(10),
            ),
            (
                6,
                2,
                BURST_OWNER,
                27,
                day + Duration::days(2) + Duration::minutes(20),
            ),
            (
                7,
                2,
                BURST_OWNER,
                28,
                day + Duration::days(2) + Duration::minutes(30),
            ),
            (8, 2, BURST_OWNER, 29, day + Duration::days(5)),
        ],
    )
    .await;
    run_sql(
        db,
        "UPDATE settings SET payload = '2' WHERE \"group\" = 'referrals' AND name = 'burst_per_day'",
    )
    .await;
    day
}

#[tokio::test]
async fn each_signal_fires_from_rows_with_its_evidence_and_a_clean_referral_has_none() {
    on_all!(|db| {
        let day = suspects(&db).await;
        let report = check(&db, AWA, false).await.unwrap();
        assert_eq!(
            report,
            Report {
                checked: 8,
                flagged: 7,
                changed: 7
            }
        );

        let phone = flags(&db, 1).await;
        assert_eq!(codes_of(&phone), ["shared_phone"]);
        assert_eq!(
            phone[0]["evidence"], "+221 77 100 21 84",
            "as the referrer wrote it"
        );

        let payout = flags(&db, 2).await;
        assert_eq!(codes_of(&payout), ["shared_payout_account"]);
        let masked = payout[0]["evidence"].as_str().unwrap();
        assert!(
            masked.ends_with("0253") && !masked.contains("SN08"),
            "{masked}"
        );

        let mail = flags(&db, 3).await;
        assert_eq!(codes_of(&mail), ["shared_email_domain"]);
        assert_eq!(mail[0]["evidence"], "cabinet-diop.sn");

        let hired = flags(&db, 4).await;
        assert_eq!(codes_of(&hired), ["hired_each_other"]);
        assert_eq!(
            (
                hired[0]["evidence"].as_str(),
                hired[0]["project_id"].as_i64()
            ),
            (Some("#9"), Some(9))
        );

        let burst_day = (day + Duration::days(2)).date_naive().to_string();
        for id in [5, 6, 7] {
            let burst = flags(&db, id).await;
            assert_eq!(codes_of(&burst), ["code_burst"], "referral {id}");
            assert_eq!(burst[0]["uses"], 3);
            assert_eq!(burst[0]["day"], burst_day.as_str());
        }
        // Another day, nothing shared: clean. No address is recorded: never the same address.
        assert!(flags(&db, 8).await.is_empty());

        // One audit row per referral that got flags, under the checker's name.
        assert_eq!(audits(&db, 1..=8).await, 7);
        let rows = store::audit::history(&mut db.clone(), "referral", 1, 10)
            .await
            .unwrap();
        assert_eq!(
            (rows[0].event.as_str(), rows[0].user_id),
            ("flagged", Some(AWA))
        );

        // Idempotent: nothing left unchecked; all of them again changes nothing.
        assert_eq!(check(&db, AWA, false).await.unwrap(), Report::default());
        let again = check(&db, AWA, true).await.unwrap();
        assert_eq!((again.checked, again.flagged, again.changed), (8, 7, 0));
        assert_eq!(audits(&db, 1..=8).await, 7);

        // The list: newest sign-up first; --flagged leaves the clean one out.
        let awa = fixtures::actor(&db, AWA).await;
        let all = referral_flags::list(&db, &awa, false, 50).await.unwrap();
        assert_eq!(
            all.iter().map(|r| r.id).collect::<Vec<_>>(),
            [8, 7, 6, 5, 4, 3, 2, 1]
        );
        let flagged = referral_flags::list(&db, &awa, true, 50).await.unwrap();
        assert_eq!(flagged.len(), 7);
        assert!(flagged.iter().all(|r| r.id != 8));
        assert_eq!(flagged[0].referrer_name, "Personne 25");
        // The codes list counts each code's flagged referrals.
        let listed = store::referrals::codes(&mut db.clone(), 10).await.unwrap();
        let counts: Vec<(String, i64)> =
            listed.iter().map(|c| (c.code.clone(), c.flagged)).collect();
        assert_eq!(
            counts,
            [("KOFFI-99".to_owned(), 3), ("AWA-2026".to_owned(), 4)]
        );
    });
}

#[tokio::test]
async fn support_may_list_referrals_but_not_check_them() {
    on_all!(|db| {
        suspects(&db).await;
        let e = check(&db, FATOU, false).await.unwrap_err();
        assert!(e.to_string().contains("referrals.manage"), "{e}");
        assert_eq!(audits(&db, 1..=8).await, 0, "nothing written");
        let row = store::referral_flags::get(&mut db.clone(), 1)
            .await
            .unwrap()
            .unwrap();
        assert!(row.flags_checked_at.is_none());
        let support = fixtures::actor(&db, FATOU).await;
        let listed = referral_flags::list(&db, &support, false, 50)
            .await
            .unwrap();
        assert_eq!(listed.len(), 8);
        assert!(
            referral_flags::list(&db, &support, true, 50)
                .await
                .unwrap()
                .is_empty()
        );
    });
}

/// A referred client who hires their referrer through the back-office: the assignment's
/// transaction flags the referral, audited under the assigner's name.
#[tokio::test]
async fn an_assignment_that_makes_them_hire_each_other_flags_the_referral() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let day = Utc::now() - Duration::days(5);
        people(
            &db,
            &[
                (40, "client40@gmail.com", "+221 70 000 00 40"),
                (41, "dev41@yahoo.fr", "+221 70 000 00 41"),
            ],
            day,
        )
        .await;
        profiles(
            &db,
            &[
                (20, 40, "client", None),
                (21, 41, "developer", Some("+221700000041")),
            ],
        )
        .await;
        codes(&db, &[(1, 41, "DEV-41")], day).await;
        referrals(&db, &[(1, 1, 41, 40, day + Duration::hours(1))]).await;
        project(&db, 20, 40, None).await;
        assert_eq!(check(&db, AWA, false).await.unwrap().flagged, 0);

        let sekou = fixtures::actor(&db, SEKOU).await;
        obryl::service::projects::assign_developer(&db, &sekou, &Origin::cli(), 20, 41, None)
            .await
            .unwrap();
        let hired = flags(&db, 1).await;
        assert_eq!(codes_of(&hired), ["hired_each_other"]);
        assert_eq!(hired[0]["project_id"], 20);
        let rows = store::audit::history(&mut db.clone(), "referral", 1, 10)
            .await
            .unwrap();
        assert_eq!(
            (rows[0].event.as_str(), rows[0].user_id),
            ("flagged", Some(SEKOU))
        );
        // The check agrees with what the assignment stored.
        assert_eq!(check(&db, AWA, true).await.unwrap().changed, 0);
    });
}

/// The demo through the real binary: every signal its data can raise is there with its
/// evidence, a flagged referral has a reward due, the generator's flags are the check's, and
/// support may list but not check.
#[tokio::test]
async fn the_demo_lists_its_flagged_referrals_from_the_command_line() {
    let (_db, dir) = common::ui::demo_db().await;
    let path = dir.path().join("demo.db");
    let run = |who: &str, args: &[&str]| {
        let mut all = vec!["--as", who, "referral"];
        all.extend_from_slice(args);
        common::cli::obryl(&path, &all)
    };

    let o = run("support@obryl.test", &["list", "--flagged", "--json"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let listed = json(&o);
    let rows = listed.as_array().unwrap();
    assert!(common::cli::assert_uniform_times(&listed) > 0);
    let mut kinds: Vec<&str> = rows
        .iter()
        .flat_map(|r| r["flags"].as_array().unwrap())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "code_burst",
            "hired_each_other",
            "shared_email_domain",
            "shared_payout_account",
            "shared_phone"
        ]
    );
    assert!(rows.iter().all(|r| {
        r["flags"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["evidence"].as_str().unwrap_or_default().is_empty())
    }));

    // A flagged referral's reward is due: the four-eyes walk has something to approve.
    let o = run(
        "support@obryl.test",
        &["reward", "list", "--status", "pending", "--json"],
    );
    let due = json(&o);
    assert!(
        due.as_array()
            .unwrap()
            .iter()
            .any(|r| r["flags"].as_array().is_some_and(|f| !f.is_empty())),
        "{due}"
    );

    let o = run("support@obryl.test", &["list", "--flagged"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    for needle in [
        "⚑",
        "Shared phone: ",
        "Code burst: 11 sign-ups on ",
        "Hired each other: project #",
    ] {
        assert!(text(&o).contains(needle), "{needle:?} in\n{}", text(&o));
    }

    let o = run("support@obryl.test", &["check"]);
    assert_eq!(code(&o), Some(1), "{}", text(&o));
    assert!(text(&o).contains("referrals.manage"), "{}", text(&o));

    // The generator computed what the check computes: nothing changes.
    let o = run("finance@obryl.test", &["check", "--all", "--json"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let report = json(&o);
    assert_eq!(report["changed"], 0, "{report}");
    assert_eq!(
        report["flagged"].as_u64(),
        Some(rows.len() as u64),
        "{report}"
    );
}

/// The `:referrals` view: a code whose referrals are flagged shows ⚑ and the count; its
/// detail shows each flagged person with the signal in words and its evidence.
#[tokio::test]
async fn the_referrals_view_shows_each_referred_persons_flags() {
    use common::ui::Harness;
    use crossterm::event::KeyCode;
    use obryl::domain::Locale;
    use obryl::ui::screens::TabId;

    let (db, _dir) = common::ui::demo_db().await;
    for (locale, words) in [
        (Locale::En, "⚑ Code burst: 11 sign-ups"),
        (Locale::Fr, "⚑ Rafale d'utilisations du code : 11"),
    ] {
        let mut h = Harness::new(&db, "support@obryl.test", locale, TabId::Projects).await;
        h.char(':').await;
        h.type_text("referrals").await;
        h.key(KeyCode::Enter).await;
        h.pump_until("the codes", |app| {
            !app.screens.referrals.list.rows.is_empty()
        })
        .await;
        let rows = h.app.screens.referrals.list.rows.clone();
        let at = rows
            .iter()
            .position(|r| r.flagged >= 11)
            .expect("the burst's code");
        for _ in 0..at {
            h.char('j').await;
        }
        h.key(KeyCode::Enter).await;
        let id = rows[at].id;
        h.pump_until("the detail", |app| {
            app.screens.referrals.detail.for_id == Some(id)
                && app.screens.referrals.detail.content.is_some()
        })
        .await;
        let text = h.render(160, 60);
        assert!(text.contains("⚑"), "{text}");
        assert!(text.contains(words), "{words:?} in\n{text}");
    }
}
