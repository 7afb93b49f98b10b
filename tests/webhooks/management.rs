//! Managing endpoints: SSRF refusals at creation, the permission, compare-and-set edits that
//! name who changed the endpoint, disable / enable, replays; every refusal writes nothing and
//! reads in French too.

use chrono::Duration;
use obryl::domain::Locale;
use obryl::domain::webhook::Policy;
use obryl::office::messages::error_text;
use obryl::service::ServiceError;
use obryl::service::webhooks::{self, EndpointInput};
use obryl::store::{self, Db};

use super::common::{
    self,
    fixtures::{AWA, world},
};
use super::support::*;
use super::{add, approve_small, once};
use crate::on_all;

async fn traces(db: &Db) -> (i64, usize) {
    let audits = store::audit::max_id(&mut db.clone()).await.unwrap();
    let endpoints = store::webhooks::page(
        &mut db.clone(),
        &Default::default(),
        &store::Anchor::First,
        100,
    )
    .await
    .unwrap()
    .rows
    .len();
    (audits, endpoints)
}

fn input<'a>(url: &'a str, types: &'a [String]) -> EndpointInput<'a> {
    EndpointInput {
        url,
        description: None,
        event_types: types,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forbidden_destinations_are_refused_at_creation() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let types = vec!["commission.approved".to_owned()];
        let production = Policy::default();
        let before = traces(&db).await;
        for (url, words) in [
            ("http://partner.sn/hook", "https only"),
            ("https://127.0.0.1/hook", "loopback"),
            ("https://[::1]:8443/hook", "loopback"),
            ("https://[::ffff:127.0.0.1]/hook", "loopback"),
            ("https://10.0.0.7/hook", "private network"),
            ("https://192.168.1.20/hook", "private network"),
            ("https://100.64.3.1/hook", "private network"),
            ("https://169.254.169.254/latest/meta-data", "cloud metadata"),
            ("https://[fd00:ec2::254]/", "cloud metadata"),
            ("https://169.254.10.1/", "link-local"),
            ("https://[fe80::1]/", "link-local"),
            ("https://localhost/hook", "reserved names"),
            (
                "https://hooks.partner-compta.invalid/obryl",
                "reserved names",
            ),
            ("https://user:pw@partner.sn/hook", "user name or password"),
            ("hooks", "not a web address"),
        ] {
            let err = webhooks::add(&db, &manager, &origin(), &production, &input(url, &types))
                .await
                .unwrap_err();
            let en = error_text(&err, Locale::En);
            assert!(
                matches!(err, ServiceError::Invalid { field: "url", .. }),
                "{url}: {err:?}"
            );
            assert!(en.contains(words), "{url}: {en}");
            assert_ne!(error_text(&err, Locale::Fr), en, "{url}: not translated");
        }
        // Tests on the loopback may, the metadata service never.
        let tests = Policy {
            allow_private_addresses: true,
            ..Policy::default()
        };
        let err = webhooks::add(
            &db,
            &manager,
            &origin(),
            &tests,
            &input("http://169.254.169.254/", &types),
        )
        .await
        .unwrap_err();
        assert!(error_text(&err, Locale::En).contains("cloud metadata"));
        assert_eq!(traces(&db).await, before, "a refusal wrote");
        // Unknown event types and an empty subscription are refused too.
        let err = webhooks::add(
            &db,
            &manager,
            &origin(),
            &tests,
            &input("http://127.0.0.1:9/h", &["commission.payed".to_owned()]),
        )
        .await
        .unwrap_err();
        assert_eq!(
            error_text(&err, Locale::Fr),
            "Les types d'événements : commission.payed n'est pas un type d'événement de webhook."
        );
        let err = webhooks::add(
            &db,
            &manager,
            &origin(),
            &tests,
            &input("http://127.0.0.1:9/h", &[]),
        )
        .await
        .unwrap_err();
        assert!(error_text(&err, Locale::En).contains("at least one event type"));
        assert_eq!(traces(&db).await, before);
    });
}

#[test]
fn every_url_refusal_reads_in_both_languages() {
    for r in webhooks::url::EVERY_REFUSAL {
        let e = webhooks::url::refusal(r);
        let (en, fr) = (error_text(&e, Locale::En), error_text(&e, Locale::Fr));
        assert!(
            !en.contains("invalid_message"),
            "{r:?} has no English words: {en}"
        );
        assert!(
            !fr.contains("invalid_message"),
            "{r:?} has no French words: {fr}"
        );
        assert_ne!(en, fr, "{r:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn managing_needs_the_permission_and_writes_nothing_without_it() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let awa = super::common::fixtures::actor(&db, AWA).await;
        let policy = config(&[]).webhooks.policy();
        let types = vec!["*".to_owned()];
        let added = add(&db, &manager, "http://127.0.0.1:9/hook", &["*"]).await;
        let before = traces(&db).await;
        let refusals = [
            webhooks::add(
                &db,
                &awa,
                &origin(),
                &policy,
                &input("http://127.0.0.1:9/x", &types),
            )
            .await
            .map(drop),
            webhooks::edit(
                &db,
                &awa,
                &origin(),
                &policy,
                added.id,
                &input("http://127.0.0.1:9/x", &types),
                None,
            )
            .await,
            webhooks::disable(&db, &awa, &origin(), added.id, None).await,
            webhooks::rotate(&db, &awa, &origin(), &policy, added.id, None)
                .await
                .map(drop),
            webhooks::send_test(&db, &awa, &origin(), added.id)
                .await
                .map(drop),
            webhooks::replay_failed_since(&db, &awa, &origin(), added.id, obryl::service::now())
                .await
                .map(drop),
        ];
        for r in refusals {
            match r {
                Err(ServiceError::Forbidden { permission }) => {
                    assert_eq!(permission, "webhooks.manage")
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(traces(&db).await, before);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stale_edit_is_refused_naming_who_changed_the_endpoint() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let policy = config(&[]).webhooks.policy();
        let added = add(
            &db,
            &manager,
            "http://127.0.0.1:9/hook",
            &["commission.approved"],
        )
        .await;
        let seen = store::webhooks::get(&mut db.clone(), added.id)
            .await
            .unwrap()
            .unwrap();
        let types = vec![
            "commission.paid".to_owned(),
            "commission.approved".to_owned(),
        ];
        let edit = EndpointInput {
            url: "http://127.0.0.1:9/other",
            description: Some("Compta"),
            event_types: &types,
        };
        webhooks::edit(
            &db,
            &manager,
            &origin(),
            &policy,
            added.id,
            &edit,
            Some(seen.version),
        )
        .await
        .unwrap();
        let now = store::webhooks::get(&mut db.clone(), added.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(now.version, seen.version + 1);
        assert_eq!(now.url, "http://127.0.0.1:9/other");
        assert_eq!(
            now.event_types,
            vec!["commission.approved", "commission.paid"]
        );
        // A second edit from the version first seen loses, naming who won.
        let err = webhooks::edit(
            &db,
            &manager,
            &origin(),
            &policy,
            added.id,
            &edit,
            Some(seen.version),
        )
        .await
        .unwrap_err();
        match &err {
            ServiceError::AlreadyDecided { status, by, .. } => {
                assert_eq!(
                    (status.as_str(), by.as_str()),
                    ("changed", "Aminata Ndiaye")
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(error_text(&err, Locale::En).starts_with("Already changed by Aminata Ndiaye"));
        assert!(error_text(&err, Locale::Fr).starts_with("Déjà modifié par Aminata Ndiaye"));
        assert_eq!(
            store::audit::count_for(&mut db.clone(), "webhook_endpoint", added.id, None)
                .await
                .unwrap(),
            2
        );
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn disable_enable_and_replays() {
    on_all!(|db| {
        world(&db).await;
        let manager = manager(&db).await;
        let r = receiver(vec![status(500)], status(200)).await;
        let added = add(&db, &manager, &r.url, &["commission.approved"]).await;
        approve_small(&db).await;
        // One failed attempt, its retry a day away.
        once(&db, &["1d"]).await;
        assert_eq!(attempts(&db, added.id).await.len(), 2);
        // Disabling gives up what waited; it cannot be disabled twice.
        webhooks::disable(&db, &manager, &origin(), added.id, None)
            .await
            .unwrap();
        let statuses: Vec<String> = attempts(&db, added.id)
            .await
            .into_iter()
            .map(|a| a.1)
            .collect();
        assert_eq!(statuses, vec!["failed", "gave_up"]);
        let err = webhooks::disable(&db, &manager, &origin(), added.id, None)
            .await
            .unwrap_err();
        assert!(
            error_text(&err, Locale::En).starts_with("Already disabled by Aminata Ndiaye"),
            "{err:?}"
        );
        // A disabled endpoint takes no test and no replay.
        let err = webhooks::send_test(&db, &manager, &origin(), added.id)
            .await
            .unwrap_err();
        assert!(error_text(&err, Locale::En).contains("enable the endpoint first"));
        webhooks::enable(&db, &manager, &origin(), added.id, None)
            .await
            .unwrap();
        let e = store::webhooks::get(&mut db.clone(), added.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (e.status.as_str(), e.failure_streak, e.disabled_reason),
            ("active", 0, None)
        );
        let err = webhooks::enable(&db, &manager, &origin(), added.id, None)
            .await
            .unwrap_err();
        assert!(error_text(&err, Locale::En).contains("already active"));
        // Every failed delivery since an hour ago goes again, once.
        let since = obryl::service::now() - Duration::hours(1);
        let n = webhooks::replay_failed_since(&db, &manager, &origin(), added.id, since)
            .await
            .unwrap();
        assert_eq!(n, 1);
        once(&db, &["1d"]).await;
        assert_eq!(r.count(), 2);
        let last = attempts(&db, added.id).await.pop().unwrap();
        assert_eq!((last.0, last.1.as_str()), (3, "succeeded"));
        assert_eq!(
            webhooks::replay_failed_since(&db, &manager, &origin(), added.id, since)
                .await
                .unwrap(),
            0
        );
        // One delivery again, even a succeeded one; the id stays the event's.
        let page = store::deliveries::page(
            &mut db.clone(),
            &Default::default(),
            &store::Anchor::First,
            1,
        )
        .await
        .unwrap();
        let queued = webhooks::replay(&db, &manager, &origin(), page.rows[0].id)
            .await
            .unwrap();
        once(&db, &["1d"]).await;
        let hits = r.hits();
        assert_eq!(hits.len(), 3);
        assert!(hits.iter().all(|h| h.id == hits[0].id));
        let d = store::deliveries::get(&mut db.clone(), queued)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((d.attempt, d.status.as_str()), (4, "succeeded"));
        let err = webhooks::replay(&db, &manager, &origin(), 999_999)
            .await
            .unwrap_err();
        assert_eq!(
            error_text(&err, Locale::En),
            "Webhook delivery #999999 not found."
        );
    });
}
