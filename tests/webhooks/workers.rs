//! Two workers on one database share the queue: 10 000 events, each delivered once, none
//! lost (PostgreSQL: row claims that skip what another claim locked; SQLite: one worker holds
//! the delivery lease, a smaller run).

use std::collections::HashMap;
use std::time::Duration;

use chrono::SubsecRound;
use obryl::store::{self, Db, bulk};
use obryl::worker;
use sea_query::Value;
use tokio_util::sync::CancellationToken;

use super::add;
use super::common::{self, fixtures::world};
use super::support::*;

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

/// `n` outbox events, each with a pending first attempt to `endpoint`, written in bulk.
pub async fn queue(db: &Db, endpoint: i64, n: i64) {
    let now = obryl::service::now().trunc_subsecs(0);
    let mut tx = db.begin().await.unwrap();
    let events = (1..=n)
        .map(|i| {
            vec![
                v(1_000_000 + i),
                v(format!("msg_bulk{i:08}")),
                v("commission.approved"),
                v(serde_json::json!({
                    "type": "commission.approved",
                    "timestamp": now.to_rfc3339(),
                    "data": {"subject": {"type": "commission", "id": i}, "changes": {"status": "approved"}, "actor_id": 1},
                })),
                v(now),
            ]
        })
        .collect();
    bulk::insert_rows(
        &mut tx,
        "webhook_events",
        &["id", "event_id", "type", "payload", "created_at"],
        events,
    )
    .await
    .unwrap();
    let deliveries = (1..=n)
        .map(|i| {
            vec![
                v(1_000_000 + i),
                v(endpoint),
                v(1i64),
                v("pending"),
                v(now),
                v(now),
                v(now),
            ]
        })
        .collect();
    bulk::insert_rows(
        &mut tx,
        "webhook_deliveries",
        &[
            "webhook_event_id",
            "webhook_endpoint_id",
            "attempt",
            "status",
            "next_attempt_at",
            "created_at",
            "updated_at",
        ],
        deliveries,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    bulk::reset_sequences(db, &["webhook_events"])
        .await
        .unwrap();
}

async fn succeeded(db: &Db) -> i64 {
    store::deliveries::count_by_status(&mut db.clone(), None)
        .await
        .unwrap()
        .into_iter()
        .find(|(s, _)| s == "succeeded")
        .map_or(0, |(_, n)| n)
}

/// Two workers, each with its own connection pool, until `n` deliveries succeeded.
async fn two_workers(a: Db, b: Db, n: i64) -> (worker::Report, worker::Report) {
    let r = ok_receiver().await;
    let manager = manager(&a).await;
    let added = add(&a, &manager, &r.url, &["commission.approved"]).await;
    queue(&a, added.id, n).await;
    let cfg = config(&["1s"]);
    let cancel = CancellationToken::new();
    let first = worker::spawn(a.clone(), &cfg, identity(&a).await, cancel.clone());
    let second = worker::spawn(b.clone(), &cfg, identity(&b).await, cancel.clone());
    let done = until(Duration::from_secs(240), || {
        let a = a.clone();
        async move { succeeded(&a).await >= n }
    })
    .await;
    // Anything sent twice would arrive by now.
    tokio::time::sleep(Duration::from_millis(300)).await;
    cancel.cancel();
    let (ra, rb) = (
        first.await.unwrap().unwrap(),
        second.await.unwrap().unwrap(),
    );
    assert!(done, "only {} of {n} delivered", succeeded(&a).await);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for hit in r.hits() {
        *seen.entry(hit.id).or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, c)| **c > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    assert_eq!(seen.len() as i64, n, "lost some");
    let statuses = store::deliveries::count_by_status(&mut a.clone(), None)
        .await
        .unwrap();
    assert_eq!(statuses, vec![("succeeded".to_owned(), n)]);
    assert_eq!(ra.succeeded + rb.succeeded, n as u64);
    (ra, rb)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_postgres_deliver_ten_thousand_events_once() {
    let Some((a, url)) = common::postgres_empty().await else {
        return;
    };
    a.migrate().await.unwrap();
    obryl::service::bootstrap::ensure_reference_data(&a)
        .await
        .unwrap();
    world(&a).await;
    let b = Db::connect(&url).await.unwrap();
    let (ra, rb) = two_workers(a, b, 10_000).await;
    // Both took a share.
    assert!(ra.succeeded > 0 && rb.succeeded > 0, "{ra:?} {rb:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_sqlite_share_by_lease() {
    let (a, dir) = common::sqlite().await;
    world(&a).await;
    let b = Db::connect(&format!(
        "sqlite://{}",
        dir.path().join("test.db").display()
    ))
    .await
    .unwrap();
    let (ra, rb) = two_workers(a, b, 2_000).await;
    // One holds the lease and delivers; the other waits.
    assert!(ra.succeeded == 0 || rb.succeeded == 0, "{ra:?} {rb:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_mariadb_skip_each_others_claims() {
    let Some((a, url)) = common::mysql_empty().await else {
        return;
    };
    a.migrate().await.unwrap();
    obryl::service::bootstrap::ensure_reference_data(&a)
        .await
        .unwrap();
    world(&a).await;
    let b = Db::connect(&url).await.unwrap();
    let (ra, rb) = two_workers(a, b, 2_000).await;
    assert_eq!(ra.succeeded + rb.succeeded, 2_000, "{ra:?} {rb:?}");
}
