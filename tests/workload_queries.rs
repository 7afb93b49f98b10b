//! The workload grid's sorts and the assignment picker's ranking, on real SQLite and real
//! PostgreSQL: the hand-written SQL in them must render and bind on both.

mod common;

use chrono::{Datelike, Duration, Utc};
use common::fixtures::{self, *};
use obryl::service::{self, Origin};
use obryl::store::workload::{self, Sort};
use obryl::store::{Anchor, Db};

async fn monday() -> chrono::NaiveDate {
    let today = Utc::now().date_naive();
    today - Duration::days(today.weekday().num_days_from_monday() as i64)
}

async fn plan(db: &Db, hours: i64) {
    let sekou = fixtures::actor(db, SEKOU).await;
    service::projects::set_planned_hours(
        db,
        &sekou,
        &Origin::cli(),
        MOUSSA,
        P_WORK,
        monday().await,
        hours,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn candidates_rank_by_free_capacity_on_both_backends() {
    on_all!(|db| {
        fixtures::world(&db).await;
        plan(&db, 30).await;
        let from = monday().await;
        let list = workload::candidates(
            &mut db.clone(),
            CLIENT,
            from,
            from + Duration::weeks(1),
            1,
            20,
        )
        .await
        .unwrap();
        let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
        assert!(!ids.contains(&IDLE), "unavailable developers are left out");
        assert!(!ids.contains(&CLIENT), "never the client");
        let moussa = list
            .iter()
            .find(|c| c.id == MOUSSA)
            .expect("Moussa is offered");
        assert_eq!((moussa.booked, moussa.free), (30, 10));
        let frees: Vec<i64> = list.iter().map(|c| c.free).collect();
        let mut sorted = frees.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(frees, sorted, "most free first");
    });
}

#[tokio::test]
async fn workload_sorts_by_load_and_free_hours_on_both_backends() {
    on_all!(|db| {
        fixtures::world(&db).await;
        plan(&db, 30).await;
        let week = monday().await;
        // Moussa has 30 of his 40 hours planned; the other developers none.
        for (sort, at_end) in [(Sort::Load, false), (Sort::Free, true)] {
            let page =
                workload::developers_sorted(&mut db.clone(), None, sort, week, &Anchor::First, 10)
                    .await
                    .unwrap();
            let ids: Vec<i64> = page.rows.iter().map(|d| d.id).collect();
            let moussa = if at_end { ids.last() } else { ids.first() };
            assert_eq!(moussa, Some(&MOUSSA), "{sort:?}: {ids:?}");
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_plans_never_exceed_the_weekly_capacity() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let sekou = fixtures::actor(&db, SEKOU).await;
        let week = monday().await;
        // Two projects under way ask 30 h each of Moussa's 40 h in the same week, at once.
        let mut tasks = Vec::new();
        for project in [P_WORK, P_WORK_2] {
            let (db, actor) = (db.clone(), sekou.clone());
            tasks.push(tokio::spawn(async move {
                service::projects::set_planned_hours(
                    &db,
                    &actor,
                    &Origin::cli(),
                    MOUSSA,
                    project,
                    week,
                    30,
                )
                .await
            }));
        }
        let (mut ok, mut refused) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(obryl::service::ServiceError::OverCapacity { .. }) => refused += 1,
                Err(e) => panic!("unexpected: {e}"),
            }
        }
        assert_eq!((ok, refused), (1, 1));
        let planned =
            workload::planned(&mut db.clone(), &[MOUSSA], week, week + Duration::weeks(1))
                .await
                .unwrap();
        assert_eq!(planned.iter().map(|(_, _, h)| h).sum::<i64>(), 30);
    });
}

/// The projects a person is a party to: those they are the client of and those they develop
/// (the ticket link picker offers both).
#[tokio::test]
async fn a_party_is_the_client_or_the_developer() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let page = |party: i64| {
            let db = db.clone();
            async move {
                let filter = obryl::store::projects::Filter {
                    party_id: Some(party),
                    ..Default::default()
                };
                obryl::store::projects::page(
                    &mut db.clone(),
                    &filter,
                    obryl::store::projects::Sort::Newest,
                    &Anchor::First,
                    50,
                )
                .await
                .unwrap()
                .rows
                .iter()
                .map(|p| p.id)
                .collect::<Vec<_>>()
            }
        };
        assert_eq!(page(DEV_FIN).await, vec![3], "developer of project 3");
        assert!(page(CLIENT_FIN).await.contains(&2), "client of project 2");
    });
}
