//! The Users view's list (profiles, roles, filters, keyset both ways) and review moderation
//! (hide with a reason, show again, one winner when two moderators hide at once), on real
//! SQLite and real PostgreSQL.

mod common;

use common::fixtures::{self, *};
use obryl::service::{self, Origin, ServiceError};
use obryl::store::people::{self, Filter, Kind, Sort};
use obryl::store::reviews;
use obryl::store::{self, Anchor, Db};
use sea_query::{Expr, ExprTrait, Query};

const STAFF: [&str; 5] = ["super-admin", "finance", "support", "editor", "ops"];

fn origin() -> Origin {
    Origin::cli()
}

async fn ids(db: &Db, f: &Filter, sort: Sort) -> Vec<i64> {
    let page = people::page(&mut db.clone(), f, &STAFF, sort, &Anchor::First, 100)
        .await
        .unwrap();
    assert!(!page.has_after && !page.has_before);
    page.rows.iter().map(|r| r.id).collect()
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort();
    v
}

#[tokio::test]
async fn users_view_lists_profiles_and_roles_with_filters_and_keyset() {
    on_all!(|db| {
        fixtures::world(&db).await;
        db.exec(
            &Query::update()
                .table("profiles")
                .value("payout_method", "wave")
                .value("payout_account", "+221771234567")
                .and_where(Expr::col("user_id").eq(MOUSSA))
                .to_owned(),
        )
        .await
        .unwrap();

        // By name, everyone, with roles and profiles attached.
        let all = people::page(
            &mut db.clone(),
            &Filter::default(),
            &STAFF,
            Sort::Name,
            &Anchor::First,
            100,
        )
        .await
        .unwrap()
        .rows;
        assert_eq!(all.len(), 12);
        let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
        let mut by_name = names.clone();
        by_name.sort_by_key(|n| obryl::domain::sort_key(n));
        assert_eq!(names, by_name, "sorted by name");
        assert!(
            all.iter()
                .all(|r| r.name_key == obryl::domain::sort_key(&r.name))
        );
        let moussa = all.iter().find(|r| r.id == MOUSSA).unwrap();
        let dev = moussa.developer.as_ref().expect("developer profile");
        assert_eq!(
            (dev.availability.as_str(), dev.weekly_capacity_hours),
            ("available", 40)
        );
        assert_eq!(
            moussa.payout().and_then(|p| p.payout_method.as_deref()),
            Some("wave")
        );
        assert!(moussa.client.is_none());
        let awa = all.iter().find(|r| r.id == AWA).unwrap();
        assert_eq!(awa.roles, vec!["finance".to_string()]);
        assert!(awa.developer.is_none() && awa.client.is_none());

        // Filters, each alone.
        let f = |kind| Filter {
            kind: Some(kind),
            ..Filter::default()
        };
        assert_eq!(
            sorted(ids(&db, &f(Kind::Developer), Sort::Name).await),
            vec![DEV_FIN, MOUSSA, IDLE]
        );
        assert_eq!(
            sorted(ids(&db, &f(Kind::Client), Sort::Name).await),
            vec![CLIENT_FIN, CLIENT]
        );
        let staff = ids(&db, &f(Kind::Staff), Sort::Name).await;
        assert_eq!(staff.len(), 9, "every fixture member with a staff role");
        assert!(!staff.contains(&CLIENT) && !staff.contains(&MOUSSA));
        let support = Filter {
            role: Some("support".into()),
            ..Filter::default()
        };
        assert_eq!(
            sorted(ids(&db, &support, Sort::Name).await),
            vec![FATOU, KOFFI]
        );
        let unavailable = Filter {
            availability: Some("unavailable".into()),
            ..Filter::default()
        };
        assert_eq!(ids(&db, &unavailable, Sort::Name).await, vec![IDLE]);
        let wave = Filter {
            payout_method: Some("wave".into()),
            ..Filter::default()
        };
        assert_eq!(ids(&db, &wave, Sort::Name).await, vec![MOUSSA]);
        let koffi = Filter {
            text: Some("KOFFI".into()),
            ..Filter::default()
        };
        assert_eq!(
            sorted(ids(&db, &koffi, Sort::Name).await),
            vec![DEV_FIN, KOFFI]
        );
        // LIKE wildcards typed by the user match themselves only.
        let percent = Filter {
            text: Some("%".into()),
            ..Filter::default()
        };
        assert!(ids(&db, &percent, Sort::Name).await.is_empty());

        // Newest first is by id, descending.
        let newest = ids(&db, &Filter::default(), Sort::Newest).await;
        assert_eq!(newest, (1..=12).rev().collect::<Vec<i64>>());

        // Keyset: pages of 5 forward, then from the real end backwards, give the same order.
        for sort in [Sort::Name, Sort::Newest] {
            let whole = ids(&db, &Filter::default(), sort).await;
            let mut walked = Vec::new();
            let mut anchor = Anchor::First;
            loop {
                let page = people::page(
                    &mut db.clone(),
                    &Filter::default(),
                    &STAFF,
                    sort,
                    &anchor,
                    5,
                )
                .await
                .unwrap();
                walked.extend(page.rows.iter().map(|r| r.id));
                match page.rows.last() {
                    Some(last) if page.has_after => anchor = Anchor::After(sort.cursor(last)),
                    _ => break,
                }
            }
            assert_eq!(walked, whole, "forward pages, {sort:?}");
            let last = people::page(
                &mut db.clone(),
                &Filter::default(),
                &STAFF,
                sort,
                &Anchor::Last,
                5,
            )
            .await
            .unwrap();
            assert!(last.has_before && !last.has_after);
            let tail: Vec<i64> = last.rows.iter().map(|r| r.id).collect();
            assert_eq!(
                tail,
                whole[whole.len() - 5..].to_vec(),
                "real last page, {sort:?}"
            );
            let before = people::page(
                &mut db.clone(),
                &Filter::default(),
                &STAFF,
                sort,
                &Anchor::Before(sort.cursor(&last.rows[0])),
                5,
            )
            .await
            .unwrap();
            let prev: Vec<i64> = before.rows.iter().map(|r| r.id).collect();
            assert_eq!(prev, whole[whole.len() - 10..whole.len() - 5].to_vec());
        }

        // Soft-deleted accounts only on request.
        db.exec(
            &Query::update()
                .table("users")
                .value("deleted_at", chrono::Utc::now())
                .and_where(Expr::col("id").eq(IDLE))
                .to_owned(),
        )
        .await
        .unwrap();
        assert!(
            !ids(&db, &f(Kind::Developer), Sort::Name)
                .await
                .contains(&IDLE)
        );
        let with_deleted = Filter {
            kind: Some(Kind::Developer),
            include_deleted: true,
            ..Filter::default()
        };
        assert!(ids(&db, &with_deleted, Sort::Name).await.contains(&IDLE));

        // One person's record: projects per status on each side.
        let one = people::get(&mut db.clone(), CLIENT).await.unwrap().unwrap();
        assert!(one.client.is_some());
        let counts = people::project_counts(&mut db.clone(), CLIENT)
            .await
            .unwrap();
        assert!(!counts.as_client.is_empty() && counts.as_developer.is_empty());
        let total: i64 = counts.as_client.iter().map(|(_, n)| n).sum();
        assert!(total >= 1);
    });
}

async fn two_reviews(db: &Db) -> (i64, i64) {
    let sekou = fixtures::actor(db, SEKOU).await;
    let good = service::content::create_review(
        db,
        &sekou,
        &origin(),
        1,
        CLIENT,
        5,
        Some("Travail soigné"),
    )
    .await
    .unwrap();
    let bad = service::content::create_review(
        db,
        &sekou,
        &origin(),
        1,
        MOUSSA,
        1,
        Some("Client injoignable"),
    )
    .await
    .unwrap();
    (good, bad)
}

async fn review_ids(db: &Db, f: &reviews::Filter, sort: reviews::Sort) -> Vec<i64> {
    reviews::page(&mut db.clone(), f, sort, &Anchor::First, 50)
        .await
        .unwrap()
        .rows
        .iter()
        .map(|r| r.id)
        .collect()
}

async fn review_audits(db: &Db, id: i64, event: &str) -> i64 {
    store::audit::count_for(&mut db.clone(), "review", id, Some(event))
        .await
        .unwrap()
}

#[tokio::test]
async fn moderators_hide_with_a_reason_and_show_again_support_cannot() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let (good, bad) = two_reviews(&db).await;
        let all = reviews::Filter::default();
        assert_eq!(
            review_ids(&db, &all, reviews::Sort::Newest).await,
            vec![bad, good]
        );
        assert_eq!(
            review_ids(&db, &all, reviews::Sort::Rating).await,
            vec![bad, good]
        );
        let low = reviews::Filter {
            ratings: vec![1, 2],
            ..Default::default()
        };
        assert_eq!(
            review_ids(&db, &low, reviews::Sort::Newest).await,
            vec![bad]
        );
        let text = reviews::Filter {
            text: Some("SOIGNÉ".to_lowercase()),
            ..Default::default()
        };
        assert_eq!(
            review_ids(&db, &text, reviews::Sort::Newest).await,
            vec![good]
        );
        let person = reviews::Filter {
            person: Some("moussa".into()),
            ..Default::default()
        };
        assert_eq!(
            review_ids(&db, &person, reviews::Sort::Newest).await.len(),
            2
        );

        // Support holds no reviews.moderate: refused, nothing written.
        let fatou = fixtures::actor(&db, FATOU).await;
        let e = service::content::hide_review(&db, &fatou, &origin(), bad, "insultes")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::Forbidden { .. }), "{e}");
        assert_eq!(review_audits(&db, bad, "hidden").await, 0);
        // A reason is required.
        let sekou = fixtures::actor(&db, SEKOU).await;
        let e = service::content::hide_review(&db, &sekou, &origin(), bad, "   ")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");

        assert_eq!(
            reviews::rating_of(&mut db.clone(), MOUSSA).await.unwrap(),
            (1, 5)
        );
        assert_eq!(
            reviews::rating_of(&mut db.clone(), CLIENT).await.unwrap(),
            (1, 1)
        );
        service::content::hide_review(&db, &sekou, &origin(), bad, "Propos injurieux")
            .await
            .unwrap();
        // A hidden review no longer counts in the person's rating.
        assert_eq!(
            reviews::rating_of(&mut db.clone(), CLIENT).await.unwrap(),
            (0, 0)
        );
        assert_eq!(review_audits(&db, bad, "hidden").await, 1);
        // The reviewer is told, in the same transaction.
        let told = store::notifications::list(&mut db.clone(), MOUSSA, 10)
            .await
            .unwrap();
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].data["kind"], "review.hidden");
        assert_eq!(told[0].data["params"]["reason"], "Propos injurieux");
        let hidden = reviews::Filter {
            hidden: Some(true),
            ..Default::default()
        };
        let visible = reviews::Filter {
            hidden: Some(false),
            ..Default::default()
        };
        assert_eq!(
            review_ids(&db, &hidden, reviews::Sort::Newest).await,
            vec![bad]
        );
        assert_eq!(
            review_ids(&db, &visible, reviews::Sort::Newest).await,
            vec![good]
        );
        let row = reviews::get(&mut db.clone(), bad).await.unwrap().unwrap();
        assert_eq!(row.hidden_by_name.as_deref(), Some("Sékou Keïta"));
        assert_eq!(row.hidden_reason.as_deref(), Some("Propos injurieux"));

        // Hiding again names who did it first.
        let again = service::content::hide_review(&db, &sekou, &origin(), bad, "encore")
            .await
            .unwrap_err();
        match &again {
            ServiceError::AlreadyDecided { status, by, .. } => {
                assert_eq!((status.as_str(), by.as_str()), ("hidden", "Sékou Keïta"))
            }
            other => panic!("expected AlreadyDecided, got {other}"),
        }

        // Shown again: audited with what it replaces; a second restore finds nothing to do.
        let e = service::content::restore_review(&db, &fatou, &origin(), bad)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::Forbidden { .. }), "{e}");
        service::content::restore_review(&db, &sekou, &origin(), bad)
            .await
            .unwrap();
        assert_eq!(review_audits(&db, bad, "restored").await, 1);
        let row = reviews::get(&mut db.clone(), bad).await.unwrap().unwrap();
        assert!(row.hidden_at.is_none() && row.hidden_reason.is_none());
        let history = store::audit::history(&mut db.clone(), "review", bad, 10)
            .await
            .unwrap();
        let restored = history.iter().find(|h| h.event == "restored").unwrap();
        assert_eq!(
            restored
                .old_values
                .as_ref()
                .map(|v| v["hidden_reason"].clone()),
            Some(serde_json::json!("Propos injurieux"))
        );
        let twice = service::content::restore_review(&db, &sekou, &origin(), bad)
            .await
            .unwrap_err();
        assert!(matches!(twice, ServiceError::Stale { .. }), "{twice}");
        assert_eq!(review_audits(&db, bad, "restored").await, 1);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_moderators_hiding_at_once_one_wins_the_other_is_told_who() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let (_, bad) = two_reviews(&db).await;
        // Éloïse becomes a second moderator.
        service::users::set_role(
            &db,
            None,
            &origin(),
            "u9@obryl.test",
            obryl::domain::Role::Ops,
            true,
        )
        .await
        .unwrap();
        let sekou = fixtures::actor(&db, SEKOU).await;
        let eloise = fixtures::actor(&db, ELOISE).await;
        // Two tasks, so on this multi-threaded runtime the two hides really run at once.
        let hide = |actor: obryl::service::Actor, reason: &'static str| {
            let db = db.clone();
            tokio::spawn(async move {
                service::content::hide_review(&db, &actor, &origin(), bad, reason).await
            })
        };
        let (a, b) = (hide(sekou, "insultes"), hide(eloise, "hors sujet"));
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        let (winner, loser) = match (&a, &b) {
            (Ok(()), Err(e)) => ("Sékou Keïta", e),
            (Err(e), Ok(())) => ("Éloïse Ouédraogo", e),
            other => panic!("exactly one hide must win: {other:?}"),
        };
        match loser {
            ServiceError::AlreadyDecided { by, .. } => assert_eq!(by, winner),
            other => panic!("the loser is told who won, got {other}"),
        }
        assert_eq!(review_audits(&db, bad, "hidden").await, 1);
    });
}

#[tokio::test]
async fn ops_set_a_developers_availability_audited_and_checked() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let sekou = fixtures::actor(&db, SEKOU).await;
        let fatou = fixtures::actor(&db, FATOU).await;
        let busy = obryl::domain::Availability::Busy;
        let e = service::users::set_availability(&db, &fatou, &origin(), MOUSSA, busy, None)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::Forbidden { .. }), "{e}");
        let e = service::users::set_availability(&db, &sekou, &origin(), AWA, busy, None)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::NotADeveloper { .. }), "{e}");
        // What the staff member saw must still hold.
        let e =
            service::users::set_availability(&db, &sekou, &origin(), MOUSSA, busy, Some("busy"))
                .await
                .unwrap_err();
        assert!(matches!(e, ServiceError::Stale { .. }), "{e}");

        assert!(
            service::users::set_availability(
                &db,
                &sekou,
                &origin(),
                MOUSSA,
                busy,
                Some("available")
            )
            .await
            .unwrap()
        );
        assert!(
            !service::users::set_availability(&db, &sekou, &origin(), MOUSSA, busy, None)
                .await
                .unwrap(),
            "already busy: nothing written"
        );
        let p = store::users::developer_profile(&mut db.clone(), MOUSSA)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.availability, "busy");
        let history = store::audit::history(&mut db.clone(), "user", MOUSSA, 10)
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(
            history[0]
                .new_values
                .as_ref()
                .map(|v| v["availability"].clone()),
            Some(serde_json::json!("busy"))
        );
        let told = store::notifications::list(&mut db.clone(), MOUSSA, 10)
            .await
            .unwrap();
        assert_eq!(told[0].data["kind"], "profile.availability_changed");

        // Unavailable developers are then refused by the assignment rules.
        let unavailable = obryl::domain::Availability::Unavailable;
        service::users::set_availability(&db, &sekou, &origin(), MOUSSA, unavailable, None)
            .await
            .unwrap();
        let e = service::projects::assign_developer(&db, &sekou, &origin(), P_OPEN, MOUSSA, None)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::Unavailable { .. }), "{e}");
    });
}

#[tokio::test]
async fn a_common_role_is_matched_through_the_subquery_a_rare_one_by_ids() {
    on_all!(|db| {
        fixtures::world(&db).await;
        // 1 200 platform clients: more than the id list takes.
        let mut tx = db.begin().await.unwrap();
        let now = chrono::Utc::now();
        let users: Vec<Vec<sea_query::Value>> = (100..1300i64)
            .map(|id| {
                let name = format!("Client {id:05}");
                vec![
                    id.into(),
                    obryl::domain::sort_key(&name).into(),
                    name.into(),
                    format!("c{id}@example.test").into(),
                    "x".into(),
                    now.into(),
                ]
            })
            .collect();
        store::bulk::insert_rows(
            &mut tx,
            "users",
            &["id", "name_key", "name", "email", "password", "created_at"],
            users,
        )
        .await
        .unwrap();
        let role = store::users::role_id(&mut tx, "client")
            .await
            .unwrap()
            .unwrap();
        let grants: Vec<Vec<sea_query::Value>> = (100..1300i64)
            .map(|id| vec![role.into(), "user".into(), id.into()])
            .collect();
        store::bulk::insert_rows(
            &mut tx,
            "model_has_roles",
            &["role_id", "model_type", "model_id"],
            grants,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let clients = Filter {
            role: Some("client".into()),
            ..Filter::default()
        };
        let page = people::page(
            &mut db.clone(),
            &clients,
            &STAFF,
            Sort::Name,
            &Anchor::First,
            50,
        )
        .await
        .unwrap();
        assert!(page.has_after);
        assert_eq!(page.rows[0].name, "Client 00100");
        assert!(
            page.rows
                .iter()
                .all(|r| r.roles == vec!["client".to_string()])
        );
        let last = people::page(
            &mut db.clone(),
            &clients,
            &STAFF,
            Sort::Name,
            &Anchor::Last,
            1,
        )
        .await
        .unwrap();
        assert_eq!(last.rows[0].name, "Client 01299");
        let support = Filter {
            role: Some("support".into()),
            ..Filter::default()
        };
        assert_eq!(
            sorted(ids(&db, &support, Sort::Name).await),
            vec![FATOU, KOFFI]
        );
    });
}

#[tokio::test]
async fn capacity_never_goes_below_what_is_committed() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let sekou = fixtures::actor(&db, SEKOU).await;
        // Moussa takes the open project: its hours are spread over the coming weeks.
        service::projects::assign_developer(&db, &sekou, &origin(), P_OPEN, MOUSSA, None)
            .await
            .unwrap();
        let from = obryl::service::projects::week_start(chrono::Utc::now().date_naive());
        let planned = store::workload::planned(
            &mut db.clone(),
            &[MOUSSA],
            from,
            from + chrono::Duration::weeks(520),
        )
        .await
        .unwrap();
        let most = planned.iter().map(|(_, _, h)| *h).max().unwrap();
        assert!(most > 0);
        // The first of the busiest weeks is the one named.
        let busiest = planned
            .iter()
            .filter(|(_, _, h)| *h == most)
            .map(|(_, w, _)| *w)
            .min()
            .unwrap();

        let fatou = fixtures::actor(&db, FATOU).await;
        let e = service::users::set_capacity(&db, &fatou, &origin(), MOUSSA, 35, None)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::Forbidden { .. }), "{e}");
        let e = service::users::set_capacity(&db, &sekou, &origin(), MOUSSA, 200, None)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::Invalid { .. }), "{e}");
        let e = service::users::set_capacity(&db, &sekou, &origin(), AWA, 35, None)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::NotADeveloper { .. }), "{e}");
        // Below the busiest week: refused with the numbers.
        let e = service::users::set_capacity(&db, &sekou, &origin(), MOUSSA, most - 1, None)
            .await
            .unwrap_err();
        match &e {
            ServiceError::CapacityBelowPlanned {
                planned,
                asked,
                week,
                ..
            } => {
                use chrono::Datelike;
                assert_eq!((*planned, *asked), (most, most - 1));
                assert_eq!(*week, busiest.iso_week().week());
            }
            other => panic!("expected CapacityBelowPlanned, got {other}"),
        }
        // Projects under way (the one assigned here and the two of the fixtures): a maximum
        // of 0 is refused.
        let e = service::users::set_capacity(&db, &sekou, &origin(), MOUSSA, most, Some(0))
            .await
            .unwrap_err();
        assert!(
            matches!(e, ServiceError::MaxBelowActive { active: 3, .. }),
            "{e}"
        );
        assert!(
            service::users::set_capacity(&db, &sekou, &origin(), MOUSSA, most, Some(5))
                .await
                .unwrap()
        );
        let p = store::users::developer_profile(&mut db.clone(), MOUSSA)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((p.weekly_capacity_hours, p.max_active_projects), (most, 5));
        let history = store::audit::history(&mut db.clone(), "user", MOUSSA, 10)
            .await
            .unwrap();
        assert_eq!(history.len(), 1, "one audit row for the change");
        // The busiest week may already be at the old 40 h (the project's spread depends on the
        // weekday it is assigned): then the capacity did not change and is not in the row.
        let was = match most {
            40 => serde_json::Value::Null,
            _ => serde_json::json!(40),
        };
        assert_eq!(
            history[0]
                .old_values
                .as_ref()
                .map(|v| v["weekly_capacity_hours"].clone()),
            Some(was)
        );
        // Now full in the busiest week: one more hour there is refused by the same rule.
        let e = service::projects::set_planned_hours(
            &db,
            &sekou,
            &origin(),
            MOUSSA,
            P_WORK,
            busiest,
            most + 1,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, ServiceError::OverCapacity { .. }), "{e}");
        assert!(
            !service::users::set_capacity(&db, &sekou, &origin(), MOUSSA, most, None)
                .await
                .unwrap(),
            "nothing to change"
        );
    });
}

/// Names in the order they are created (ids 1, 2, …), then as a French reader files them:
/// case and accents ignored ("Éloïse" among the E's), equal names by id.
const TYPED: [&str; 11] = [
    "Zoé",
    "Sékou Keïta",
    "Éloïse Ouédraogo",
    "Eric",
    "awa",
    "Émile",
    "Koffi N'Guessan",
    "ÉRIC",
    "Bineta Sarr",
    "Ndèye Fall",
    "Koffi Kouassi",
];
const FILED: [&str; 11] = [
    "awa",
    "Bineta Sarr",
    "Éloïse Ouédraogo",
    "Émile",
    "Eric",
    "ÉRIC",
    "Koffi Kouassi",
    "Koffi N'Guessan",
    "Ndèye Fall",
    "Sékou Keïta",
    "Zoé",
];

async fn page_of_names(
    db: &Db,
    anchor: &Anchor,
    limit: u64,
) -> obryl::store::Page<people::PersonRow> {
    people::page(
        &mut db.clone(),
        &Filter::default(),
        &STAFF,
        Sort::Name,
        anchor,
        limit,
    )
    .await
    .unwrap()
}

/// Every name, walked forward from the first page and backward from the real last one.
async fn walk_both_ways(db: &Db, limit: u64) -> (Vec<String>, Vec<String>) {
    let mut forward = Vec::new();
    let mut anchor = Anchor::First;
    loop {
        let page = page_of_names(db, &anchor, limit).await;
        assert!(page.rows.len() as u64 <= limit);
        forward.extend(page.rows.iter().map(|r| r.name.clone()));
        match page.rows.last() {
            Some(last) if page.has_after => anchor = Anchor::After(Sort::Name.cursor(last)),
            _ => break,
        }
    }
    let mut backward: Vec<String> = Vec::new();
    let mut anchor = Anchor::Last;
    loop {
        let page = page_of_names(db, &anchor, limit).await;
        let mut names: Vec<String> = page.rows.iter().map(|r| r.name.clone()).collect();
        names.extend(backward);
        backward = names;
        match page.rows.first() {
            Some(first) if page.has_before => anchor = Anchor::Before(Sort::Name.cursor(first)),
            _ => break,
        }
    }
    (forward, backward)
}

#[tokio::test]
async fn names_file_in_french_order_across_pages_both_ways() {
    on_all!(|db| {
        let now = chrono::Utc::now();
        let mut tx = db.begin().await.unwrap();
        for (i, name) in TYPED.iter().enumerate() {
            let email = format!("person{i}@example.test");
            store::users::insert(
                &mut tx,
                &store::users::NewUser {
                    name,
                    email: &email,
                    password_hash: "x",
                    phone: None,
                    locale: "fr",
                    now,
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();

        for limit in [1, 3, 4, 100] {
            let (forward, backward) = walk_both_ways(&db, limit).await;
            assert_eq!(forward, FILED, "forward, pages of {limit}");
            assert_eq!(backward, FILED, "backward, pages of {limit}");
        }
        // Equal at the first level ("Eric", "ÉRIC"): by id, and a cursor between them holds.
        let first = page_of_names(&db, &Anchor::First, 5).await;
        assert_eq!(first.rows[4].name, "Eric");
        let next = page_of_names(&db, &Anchor::After(Sort::Name.cursor(&first.rows[4])), 2).await;
        let names: Vec<&str> = next.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["ÉRIC", "Koffi Kouassi"]);
        let before = page_of_names(&db, &Anchor::Before(Sort::Name.cursor(&next.rows[0])), 2).await;
        let names: Vec<&str> = before.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Émile", "Eric"]);
        // A window refreshed in place starts at its first row again.
        let from = page_of_names(&db, &Anchor::From(Sort::Name.cursor(&first.rows[2])), 3).await;
        let names: Vec<&str> = from.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Éloïse Ouédraogo", "Émile", "Eric"]);
    });
}

#[tokio::test]
async fn keys_missing_or_stale_are_filled_by_migrate_once() {
    on_all!(|db| {
        // Rows another program wrote without a key, as existing rows are when the column
        // arrives; and a name changed behind obryl's back.
        let mut tx = db.begin().await.unwrap();
        let now = chrono::Utc::now();
        store::bulk::insert_rows(
            &mut tx,
            "users",
            &["name", "email", "password", "created_at"],
            TYPED
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    vec![
                        (*name).into(),
                        format!("person{i}@example.test").into(),
                        "x".into(),
                        now.into(),
                    ]
                })
                .collect(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        db.exec(
            &Query::update()
                .table("users")
                .value("name", "Zoé Bamba")
                .and_where(Expr::col("email").eq("person0@example.test"))
                .to_owned(),
        )
        .await
        .unwrap();

        db.migrate().await.unwrap();
        let mut filed = FILED.map(str::to_owned).to_vec();
        *filed.last_mut().unwrap() = "Zoé Bamba".into();
        let (forward, backward) = walk_both_ways(&db, 4).await;
        assert_eq!(forward, filed);
        assert_eq!(backward, filed);
        // Nothing left to do the second time.
        assert_eq!(store::users::refresh_name_keys(&db).await.unwrap(), 0);
        db.migrate().await.unwrap();
        assert_eq!(walk_both_ways(&db, 4).await.0, filed);
    });
}

#[tokio::test]
async fn staff_pickers_list_people_in_french_order() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let staff = store::users::staff(&mut db.clone(), &STAFF).await.unwrap();
        let ids: Vec<i64> = staff.iter().map(|(id, _, _)| *id).collect();
        assert_eq!(
            ids,
            [
                CLIENT_FIN, // Akissi Kouassi
                REQUESTER,  // Aminata Ndiaye
                AWA,        // Awa Diop
                ELOISE,     // Éloïse Ouédraogo
                FATOU,      // Fatou Sow
                IBRAHIMA,   // Ibrahima Coulibaly
                KOFFI,      // Koffi Kouassi
                DEV_FIN,    // Koffi N'Guessan
                SEKOU,      // Sékou Keïta
            ]
        );
        let support = store::users::staff(&mut db.clone(), &["support"])
            .await
            .unwrap();
        assert_eq!(
            support.iter().map(|(id, _, _)| *id).collect::<Vec<_>>(),
            [FATOU, KOFFI]
        );
    });
}
