//! Webhooks end to end on real SQLite and PostgreSQL, with receivers on 127.0.0.1: a change
//! arrives signed (checked by an independent implementation of the specification), retries
//! keep their id and stop after a success, 410 disables at once, an exhausted schedule
//! disables and tells the managers, reserved names and forbidden addresses never get
//! traffic, rotation signs with both secrets, only subscribed types are sent, and two workers
//! share a queue without sending anything twice (workers.rs). Management: management.rs.

#[path = "webhooks/cli.rs"]
mod cli;
mod common;
#[path = "webhooks/management.rs"]
mod management;
#[path = "webhooks/support.rs"]
mod support;
#[path = "webhooks/workers.rs"]
mod workers;

use std::time::Duration;

use common::fixtures::{AWA, C_SMALL, FATOU, T_NEW, world};
use obryl::service::webhooks::{self, EndpointInput};
use obryl::service::{self, Actor};
use obryl::store::commissions::Kind;
use obryl::store::{self, Db};
use obryl::worker;
use tokio_util::sync::CancellationToken;

use support::*;

async fn add(db: &Db, manager: &Actor, url: &str, events: &[&str]) -> webhooks::Added {
    let types: Vec<String> = events.iter().map(|s| (*s).to_owned()).collect();
    let input = EndpointInput {
        url,
        description: Some("Récepteur de test"),
        event_types: &types,
    };
    let policy = config(&[]).webhooks.policy();
    webhooks::add(db, manager, &origin(), &policy, &input)
        .await
        .unwrap()
}

async fn once(db: &Db, schedule: &[&str]) -> worker::Report {
    worker::run(
        db.clone(),
        &config(schedule),
        identity(db).await,
        true,
        CancellationToken::new(),
    )
    .await
    .unwrap()
}

async fn approve_small(db: &Db) {
    let awa = common::fixtures::actor(db, AWA).await;
    service::commissions::approve(db, &awa, &origin(), Kind::Platform, C_SMALL, None)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_approved_commission_arrives_signed_and_verifies_independently() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let r = ok_receiver().await;
        let added = add(&db, &manager, &r.url, &["commission.approved"]).await;
        assert!(added.secret.starts_with("whsec_"));
        approve_small(&db).await;
        let report = once(&db, &["1s"]).await;
        assert_eq!((report.succeeded, report.failed), (1, 0), "{report:?}");
        let hits = r.hits();
        assert_eq!(hits.len(), 1);
        let hit = &hits[0];
        assert!(verifies(&added.secret, hit), "{hit:?}");
        assert!(!verifies(&obryl::domain::webhook::new_secret(), hit));
        assert_eq!(hit.content_type, "application/json");
        assert!(hit.id.starts_with("msg_"));
        let ts: i64 = hit.timestamp.parse().unwrap();
        assert!((chrono::Utc::now().timestamp() - ts).abs() < 30);
        let body = hit.json();
        assert_eq!(body["type"], "commission.approved");
        assert_eq!(body["data"]["subject"]["id"], C_SMALL);
        assert_eq!(body["data"]["changes"]["status"], "approved");
        assert_eq!(body["data"]["actor_id"], AWA);
        // The webhook-id is the outbox event's id.
        let page = store::deliveries::page(
            &mut db.clone(),
            &Default::default(),
            &store::Anchor::First,
            10,
        )
        .await
        .unwrap();
        assert_eq!(page.rows.len(), 1);
        let d = &page.rows[0];
        assert_eq!(
            (d.event_id.as_str(), d.status.as_str()),
            (hit.id.as_str(), "succeeded")
        );
        assert_eq!(d.response_status, Some(200));
        assert_eq!(d.response_excerpt.as_deref(), Some("answer 200"));
        assert!(d.latency_ms.is_some());
        // Nothing is due any more.
        assert_eq!(once(&db, &["1s"]).await.succeeded, 0);
        assert_eq!(r.count(), 1);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_500_then_a_200_is_two_requests_with_one_id_and_nothing_after() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let r = receiver(vec![status(500)], status(200)).await;
        let added = add(&db, &manager, &r.url, &["commission.approved"]).await;
        approve_small(&db).await;
        let cancel = CancellationToken::new();
        let running = worker::spawn(
            db.clone(),
            &config(&["300ms", "300ms", "300ms"]),
            identity(&db).await,
            cancel.clone(),
        );
        assert!(until(Duration::from_secs(10), || async { r.count() >= 2 }).await);
        // Time for a third attempt, were there one.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        cancel.cancel();
        let report = running.await.unwrap().unwrap();
        let hits = r.hits();
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].id, hits[1].id);
        assert!(hits.iter().all(|h| verifies(&added.secret, h)));
        assert!(hits[1].at - hits[0].at >= Duration::from_millis(250));
        assert_eq!((report.succeeded, report.failed), (1, 1));
        assert_eq!(
            attempts(&db, added.id).await,
            vec![
                (1, "failed".to_owned(), Some(500)),
                (2, "succeeded".to_owned(), Some(200))
            ]
        );
        let e = store::webhooks::get(&mut db.clone(), added.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((e.status.as_str(), e.failure_streak), ("active", 0));
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_410_disables_the_endpoint_after_one_request_and_tells_the_managers() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let r = receiver(Vec::new(), status(410)).await;
        let added = add(&db, &manager, &r.url, &["*"]).await;
        approve_small(&db).await;
        let report = once(&db, &["100ms", "100ms"]).await;
        assert_eq!(r.count(), 1, "{report:?}");
        assert_eq!(
            (report.gave_up, report.endpoints_disabled),
            (1, 1),
            "{report:?}"
        );
        let e = store::webhooks::get(&mut db.clone(), added.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(e.status, "disabled");
        assert_eq!(e.disabled_reason.as_deref(), Some("gone"));
        assert!(e.disabled_at.is_some());
        assert_eq!(
            attempts(&db, added.id).await,
            vec![(1, "gave_up".to_owned(), Some(410))]
        );
        let n = store::notifications::of_kind(
            &mut db.clone(),
            MANAGER,
            "App\\Notifications\\WebhookEndpointDisabled",
        )
        .await
        .unwrap();
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].data["kind"], "webhook.endpoint_gone");
        assert_eq!(n[0].data["params"]["endpoint_url"], r.url.as_str());
        assert_eq!(
            store::audit::count_for(
                &mut db.clone(),
                "webhook_endpoint",
                added.id,
                Some("disabled")
            )
            .await
            .unwrap(),
            1
        );
        // Nothing more is sent to it: a later change is not even queued for it.
        approve_other(&db).await;
        once(&db, &["100ms"]).await;
        assert_eq!(r.count(), 1);
        assert_eq!(attempts(&db, added.id).await.len(), 1);
    });
}

/// Another change any endpoint subscribed to `*` hears of.
async fn approve_other(db: &Db) {
    let fatou = common::fixtures::actor(db, FATOU).await;
    service::tickets::assign(db, &fatou, &origin(), T_NEW, common::fixtures::KOFFI, None)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_whole_failed_schedule_gives_up_disables_and_tells_the_managers() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let r = receiver(
            vec![Answer {
                status: 503,
                retry_after: Some("1"),
                delay: Duration::ZERO,
            }],
            status(500),
        )
        .await;
        let added = add(&db, &manager, &r.url, &["commission.approved"]).await;
        approve_small(&db).await;
        let cancel = CancellationToken::new();
        let running = worker::spawn(
            db.clone(),
            &config(&["100ms", "100ms"]),
            identity(&db).await,
            cancel.clone(),
        );
        let db2 = db.clone();
        assert!(
            until(Duration::from_secs(15), || {
                let db = db2.clone();
                async move {
                    store::webhooks::get(&mut db.clone(), added.id)
                        .await
                        .unwrap()
                        .unwrap()
                        .status
                        == "disabled"
                }
            })
            .await
        );
        cancel.cancel();
        running.await.unwrap().unwrap();
        let hits = r.hits();
        assert_eq!(hits.len(), 3);
        // Retry-After: 1 outweighed the 100 ms of the schedule.
        assert!(
            hits[1].at - hits[0].at >= Duration::from_millis(900),
            "{:?}",
            hits[1].at - hits[0].at
        );
        assert_eq!(
            attempts(&db, added.id).await,
            vec![
                (1, "failed".to_owned(), Some(503)),
                (2, "failed".to_owned(), Some(500)),
                (3, "gave_up".to_owned(), Some(500)),
            ]
        );
        let e = store::webhooks::get(&mut db.clone(), added.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (e.disabled_reason.as_deref(), e.failure_streak),
            (Some("failing"), 3)
        );
        let n = store::notifications::of_kind(
            &mut db.clone(),
            MANAGER,
            "App\\Notifications\\WebhookEndpointDisabled",
        )
        .await
        .unwrap();
        assert_eq!(n[0].data["kind"], "webhook.endpoint_failing");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reserved_names_and_forbidden_addresses_fail_without_traffic() {
    on_all!(|db| {
        world(&db).await;
        let _manager = manager(&db).await;
        // As the demo data writes them: creation would refuse these.
        let types = vec!["*".to_owned()];
        let mut tx = db.begin().await.unwrap();
        let mut ids = Vec::new();
        for url in [
            "https://hooks.partner-compta.invalid/obryl",
            "https://jira.example.test/rest/webhooks/1.0/obryl",
            "https://169.254.169.254/latest/meta-data",
        ] {
            let id = store::webhooks::insert(
                &mut tx,
                &store::webhooks::NewEndpoint {
                    url,
                    description: None,
                    secret: &obryl::domain::webhook::new_secret(),
                    event_types: &types,
                    now: service::now(),
                },
            )
            .await
            .unwrap();
            ids.push(id);
        }
        tx.commit().await.unwrap();
        approve_small(&db).await;
        let report = once(&db, &["1s"]).await;
        assert_eq!((report.succeeded, report.failed), (0, 3), "{report:?}");
        for (id, what) in ids
            .iter()
            .zip(["reserved name", "reserved name", "cloud metadata"])
        {
            let page = store::deliveries::page(
                &mut db.clone(),
                &store::deliveries::Filter {
                    endpoint_id: Some(*id),
                    ..Default::default()
                },
                &store::Anchor::First,
                10,
            )
            .await
            .unwrap();
            let first = page.rows.iter().find(|d| d.attempt == 1).unwrap();
            assert_eq!((first.attempt, first.status.as_str()), (1, "failed"));
            assert_eq!(first.response_status, None);
            let error = first.last_error.as_deref().unwrap();
            assert!(
                error.starts_with("refused before connecting") && error.contains(what),
                "{error}"
            );
            // The next attempt waits its turn.
            assert_eq!(page.rows.len(), 2);
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rotation_signs_with_both_secrets_through_the_overlap() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let r = ok_receiver().await;
        let added = add(&db, &manager, &r.url, &["commission.approved"]).await;
        let mut policy = config(&[]).webhooks.policy();
        let rotated = webhooks::rotate(&db, &manager, &origin(), &policy, added.id, None)
            .await
            .unwrap();
        assert_ne!(rotated.secret, added.secret);
        webhooks::send_test(&db, &manager, &origin(), added.id)
            .await
            .unwrap();
        once(&db, &["1s"]).await;
        let hit = r.hits().pop().unwrap();
        assert_eq!(hit.signature.split(' ').count(), 2, "{}", hit.signature);
        assert!(verifies(&rotated.secret, &hit));
        assert!(verifies(&added.secret, &hit));
        assert_eq!(hit.json()["type"], "webhook.test");
        // Without overlap the old secret stops signing at once.
        policy.rotation_overlap_hours = 0;
        let third = webhooks::rotate(&db, &manager, &origin(), &policy, added.id, None)
            .await
            .unwrap();
        webhooks::send_test(&db, &manager, &origin(), added.id)
            .await
            .unwrap();
        once(&db, &["1s"]).await;
        let hit = r.hits().pop().unwrap();
        assert_eq!(hit.signature.split(' ').count(), 1);
        assert!(verifies(&third.secret, &hit));
        assert!(!verifies(&rotated.secret, &hit));
        // The secret is in no audit row.
        let rows = store::audit::history(&mut db.clone(), "webhook_endpoint", added.id, 50)
            .await
            .unwrap();
        let text = format!("{rows:?}");
        for s in [&added.secret, &rotated.secret, &third.secret] {
            assert!(!text.contains(s.trim_start_matches("whsec_")));
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_subscribed_types_are_sent() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let (money, support, all) = (
            ok_receiver().await,
            ok_receiver().await,
            ok_receiver().await,
        );
        add(
            &db,
            &manager,
            &money.url,
            &["commission.approved", "commission.paid"],
        )
        .await;
        add(&db, &manager, &support.url, &["support_ticket.assigned"]).await;
        let star = add(&db, &manager, &all.url, &["*"]).await;
        approve_small(&db).await;
        let fatou = common::fixtures::actor(&db, FATOU).await;
        service::tickets::assign(&db, &fatou, &origin(), T_NEW, FATOU, None)
            .await
            .unwrap();
        // A test event goes to its endpoint only, even past a `*` subscription.
        let test_target = add(&db, &manager, &ok_receiver().await.url, &["review.created"]).await;
        webhooks::send_test(&db, &manager, &origin(), test_target.id)
            .await
            .unwrap();
        once(&db, &["1s"]).await;
        let types = |r: &Receiver| -> Vec<String> {
            r.hits()
                .iter()
                .map(|h| h.json()["type"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(types(&money), vec!["commission.approved"]);
        assert_eq!(types(&support), vec!["support_ticket.assigned"]);
        let mut every = types(&all);
        every.sort();
        assert_eq!(
            every,
            vec!["commission.approved", "support_ticket.assigned"]
        );
        assert_eq!(attempts(&db, star.id).await.len(), 2);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stop_lets_the_attempt_in_flight_finish() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let slow = Answer {
            status: 200,
            retry_after: None,
            delay: Duration::from_millis(800),
        };
        let r = receiver(Vec::new(), slow).await;
        let added = add(&db, &manager, &r.url, &["commission.approved"]).await;
        approve_small(&db).await;
        let cancel = CancellationToken::new();
        let running = worker::spawn(
            db.clone(),
            &config(&["1s"]),
            identity(&db).await,
            cancel.clone(),
        );
        assert!(until(Duration::from_secs(10), || async { r.count() == 1 }).await);
        cancel.cancel();
        let report = running.await.unwrap().unwrap();
        assert_eq!(report.succeeded, 1);
        assert_eq!(
            attempts(&db, added.id).await,
            vec![(1, "succeeded".to_owned(), Some(200))]
        );
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn breaches_are_announced_once_and_expired_sessions_end() {
    on_all!(|db| {
        world(&db).await;
        let _manager = manager(&db).await;
        let past = service::now() - chrono::Duration::hours(2);
        let mut tx = db.begin().await.unwrap();
        let q = sea_query::Query::update()
            .table("support_tickets")
            .value("first_response_due_at", past)
            .and_where(sea_query::ExprTrait::eq(sea_query::Expr::col("id"), T_NEW))
            .to_owned();
        tx.exec(&q).await.unwrap();
        let session = store::access::insert_session(
            &mut tx,
            &store::access::NewSession {
                user_id: FATOU,
                token_hash: &"a".repeat(64),
                host: "test",
                source: "test",
                remembered: true,
                now: past - chrono::Duration::days(1),
                expires_at: past,
                ssh_key_id: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let report = once(&db, &["1s"]).await;
        assert_eq!(
            (report.breaches_announced, report.sessions_ended),
            (1, 1),
            "{report:?}"
        );
        // Unassigned: the support team hears of it.
        for agent in [FATOU, common::fixtures::KOFFI] {
            let n = store::notifications::of_kind(
                &mut db.clone(),
                agent,
                "App\\Notifications\\TicketSlaBreached",
            )
            .await
            .unwrap();
            assert_eq!(n.len(), 1, "agent {agent}");
            assert_eq!(n[0].data["params"]["reference"], "TCK-2026-000001");
        }
        assert_eq!(
            store::outbox::count_of_type(&mut db.clone(), "support_ticket.sla_breached")
                .await
                .unwrap(),
            1
        );
        let s = store::access::session(&mut db.clone(), session)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.revoked_at, Some(past));
        let again = once(&db, &["1s"]).await;
        assert_eq!((again.breaches_announced, again.sessions_ended), (0, 0));
    });
}
