//! Delivery attempts are bookkeeping without audit rows, yet an open deliveries log follows
//! them: an outcome a worker records reaches the change feed as `Deliveries` (PostgreSQL: the
//! recording transaction notifies, naming the endpoint; SQLite: the poller's marker moves), on
//! both backends. And the pulse the webhooks view reads says whether a worker delivers.

mod api_support;
mod common;

use std::time::Duration;

use chrono::Duration as Span;
use common::fixtures::*;
use obryl::domain::webhook::Policy;
use obryl::service::Origin;
use obryl::service::webhooks::{self, EndpointInput};
use obryl::store::deliveries::{self, Outcome, Then};
use obryl::store::feed::{self, Change};
use obryl::store::{Db, delivery_watch, leases};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

async fn next_change(
    rx: &mut mpsc::UnboundedReceiver<Change>,
    what: &str,
    wanted: impl Fn(&Change) -> bool,
) -> Change {
    loop {
        let c = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("{what} never came"))
            .unwrap_or_else(|| panic!("the feed stopped before {what}"));
        if wanted(&c) {
            return c;
        }
    }
}

/// An endpoint on the loopback with a test event waiting for it: (endpoint id, delivery id).
async fn waiting(db: &Db) -> (i64, i64) {
    let admin = api_support::admin(db).await;
    let policy = Policy {
        allow_private_addresses: true,
        ..Policy::default()
    };
    let input = EndpointInput {
        url: "http://127.0.0.1:9/feed",
        description: None,
        event_types: &["commission.approved".to_owned()],
    };
    let added = webhooks::add(db, &admin, &Origin::cli(), &policy, &input)
        .await
        .unwrap();
    let delivery = webhooks::send_test(db, &admin, &Origin::cli(), added.id)
        .await
        .unwrap();
    (added.id, delivery)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_recorded_attempt_reaches_the_feed_and_the_pulse() {
    on_all!(|db| {
        world(&db).await;
        let (endpoint, delivery) = waiting(&db).await;
        let now = obryl::service::now();

        // Nothing runs: the attempt waits, and no worker holds the lease.
        let p = delivery_watch::pulse(&mut db.clone(), now + Span::minutes(5))
            .await
            .unwrap();
        assert!(p.worker.is_none());
        assert!(p.waiting_since.is_some_and(|t| t <= now + Span::seconds(1)));

        let (tx, mut rx) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        tokio::spawn(feed::run(
            db.clone(),
            tx,
            cancel.clone(),
            Duration::from_millis(50),
        ));
        next_change(&mut rx, "the live signal", |c| {
            *c == Change::Connection { live: true }
        })
        .await;

        // A worker takes the lease, claims the attempt and records its outcome.
        let now = obryl::service::now();
        assert!(
            leases::take(&db, "jobs", "w1", now, now + Span::minutes(1))
                .await
                .unwrap()
        );
        let claimed = deliveries::claim(&db, "w1", now, now, now + Span::minutes(1), 10)
            .await
            .unwrap();
        assert_eq!(claimed.iter().map(|c| c.id).collect::<Vec<_>>(), [delivery]);
        let outcome = Outcome {
            delivery_id: delivery,
            event_row_id: claimed[0].webhook_event_id,
            endpoint_id: endpoint,
            attempt: claimed[0].attempt,
            attempted_at: now,
            response_status: Some(200),
            latency_ms: Some(3),
            error: None,
            excerpt: None,
            then: Then::Done,
        };
        let mut t = db.begin().await.unwrap();
        assert_eq!(
            deliveries::record(&mut t, "w1", &[outcome], now)
                .await
                .unwrap(),
            [true]
        );
        t.commit().await.unwrap();

        let change = next_change(&mut rx, "the attempt's outcome", |c| {
            matches!(c, Change::Deliveries { .. })
        })
        .await;
        let want = match db {
            Db::Postgres(_) => Some(endpoint),
            Db::Sqlite(_) | Db::MySql(_) => None,
        };
        assert_eq!(change, Change::Deliveries { endpoint_id: want });

        // The pulse: a worker holds the lease, nothing waits, the attempt is the last made.
        let p = delivery_watch::pulse(&mut db.clone(), now).await.unwrap();
        assert_eq!(p.worker.map(|w| w.0).as_deref(), Some("w1"));
        assert_eq!(p.waiting_since, None);
        assert_eq!(p.last_attempt, Some(now));
        cancel.cancel();
    });
}
