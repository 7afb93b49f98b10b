//! Timed harness for webhook delivery (not a test): throughput to a receiver on the loopback,
//! every request signed, and the time from an event's commit to its first attempt reaching
//! the receiver. The receiver (axum, answering 200 at once) and the workers share this
//! process; each worker has its own connection pool, as separate processes would.
//!
//! Usage: cargo bench --bench webhooks -- [--events N] [--workers N] [--samples N] TARGET ...
//! TARGET is `sqlite` (a new file in a temporary directory) or a PostgreSQL URL of a server
//! where a database `obryl_bench_webhooks_<pid>` is created, used and dropped. `--workers`
//! applies to PostgreSQL (SQLite always delivers with the one worker holding the lease).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use chrono::SubsecRound;
use obryl::config::Config;
use obryl::store::{self, Db, bulk};
use sea_query::Value;
use tokio_util::sync::CancellationToken;

type Arrivals = Arc<Mutex<HashMap<String, (Instant, usize)>>>;

async fn receiver() -> (String, Arrivals) {
    let arrivals: Arrivals = Arc::default();
    let seen = arrivals.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, _body: axum::body::Bytes| {
            let seen = seen.clone();
            async move {
                let id = headers
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let mut map = seen.lock().unwrap();
                let entry = map.entry(id).or_insert((Instant::now(), 0));
                entry.1 += 1;
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, arrivals)
}

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

/// `n` events with a pending first attempt each, written in bulk from id `first`.
async fn queue(db: &Db, endpoint: i64, first: i64, n: i64) {
    let now = obryl::service::now().trunc_subsecs(0);
    let mut tx = db.begin().await.unwrap();
    let events = (first..first + n)
        .map(|i| {
            vec![
                v(i),
                v(format!("msg_bench{i:010}")),
                v("commission.approved"),
                v(serde_json::json!({
                    "type": "commission.approved",
                    "timestamp": now.to_rfc3339(),
                    "data": {"subject": {"type": "commission", "id": i}, "changes": {"status": "approved"}, "actor_id": 2},
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
    let rows = (first..first + n)
        .map(|i| {
            vec![
                v(i),
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
        rows,
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

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

struct Target {
    name: String,
    url: String,
    /// Dropped after the run (PostgreSQL), with the admin URL to drop it from.
    drop_from: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

async fn target(spec: &str) -> Target {
    if spec == "sqlite" {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        return Target {
            name: "SQLite".into(),
            url,
            drop_from: None,
            _dir: Some(dir),
        };
    }
    let name = format!("obryl_bench_webhooks_{}", std::process::id());
    let admin = Db::connect(spec).await.expect("PostgreSQL");
    if let Db::Postgres(p) = &admin {
        sqlx_exec(p, &format!("DROP DATABASE IF EXISTS {name}")).await;
        sqlx_exec(p, &format!("CREATE DATABASE {name}")).await;
    }
    admin.close().await;
    let base = spec.rsplit_once('/').map_or(spec, |(b, _)| b);
    Target {
        name: "PostgreSQL".into(),
        url: format!("{base}/{name}"),
        drop_from: Some((spec.to_owned(), name)),
        _dir: None,
    }
}

async fn sqlx_exec(pool: &sqlx::PgPool, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(pool)
        .await
        .unwrap();
}

async fn bench(spec: &str, events: i64, workers: usize, samples: usize) {
    let t = target(spec).await;
    let db = Db::connect(&t.url).await.unwrap();
    db.migrate().await.unwrap();
    let (url, arrivals) = receiver().await;
    let mut config = Config::defaults();
    config.webhooks.allow_private_addresses = true;
    let workers = if t.drop_from.is_some() { workers } else { 1 };
    let types = vec!["*".to_owned()];
    let mut tx = db.begin().await.unwrap();
    let endpoint = store::webhooks::insert(
        &mut tx,
        &store::webhooks::NewEndpoint {
            url: &url,
            description: Some("bench"),
            secret: &obryl::domain::webhook::new_secret(),
            event_types: &types,
            now: obryl::service::now(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // The workers act as a service account allowed every job.
    obryl::service::bootstrap::ensure_reference_data(&db)
        .await
        .unwrap();
    obryl::service::service_accounts::create(
        &db,
        None,
        &obryl::service::Origin::operator(),
        "bench-worker",
        &[obryl::domain::Role::SuperAdmin],
    )
    .await
    .unwrap();

    // Throughput: the queue filled first, then the workers started.
    queue(&db, endpoint, 1, events).await;
    let cancel = CancellationToken::new();
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..workers {
        let own = Db::connect(&t.url).await.unwrap();
        let actor = obryl::service::service_accounts::find(&own, "bench-worker")
            .await
            .unwrap();
        let identity = obryl::worker::Identity::check(&own, &actor).await.unwrap();
        handles.push(obryl::worker::spawn(own, &config, identity, cancel.clone()));
    }
    while succeeded(&db).await < events {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    let twice = arrivals
        .lock()
        .unwrap()
        .values()
        .filter(|(_, n)| *n > 1)
        .count();
    println!(
        "{} · {workers} worker(s) · {events} deliveries in {:.2} s: {:.0}/s, {twice} sent twice",
        t.name,
        took.as_secs_f64(),
        events as f64 / took.as_secs_f64()
    );

    // Latency: one event at a time, from its commit to its arrival, the workers idle between.
    let mut ms = Vec::with_capacity(samples);
    let mut rng = rand::rng();
    for k in 0..samples {
        // A random gap, so events do not fall into step with the worker's poll.
        let gap = rand::Rng::random_range(&mut rng, 5..80);
        tokio::time::sleep(Duration::from_millis(gap)).await;
        let event_id = format!("msg_latency{k:06}");
        let now = obryl::service::now();
        let mut tx = db.begin().await.unwrap();
        let payload = serde_json::json!({"type": "commission.approved", "timestamp": now.to_rfc3339(), "data": {}});
        let row = store::outbox::insert(&mut tx, &event_id, "commission.approved", payload, now)
            .await
            .unwrap();
        store::webhooks::fan_out(&mut tx, row, "commission.approved", now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let committed = Instant::now();
        let arrived = loop {
            if let Some((at, _)) = arrivals.lock().unwrap().get(&event_id) {
                break *at;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        ms.push((arrived - committed).as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "{} · event to first attempt over {samples} events (poll {} ms): p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        t.name,
        config.worker.poll_ms,
        pct(&ms, 0.50),
        pct(&ms, 0.95),
        pct(&ms, 0.99),
        ms[ms.len() - 1]
    );
    cancel.cancel();
    for h in handles {
        let _ = h.await;
    }
    db.close().await;
    if let Some((admin_url, name)) = t.drop_from {
        let admin = Db::connect(&admin_url).await.unwrap();
        if let Db::Postgres(p) = &admin {
            sqlx_exec(p, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let (mut events, mut workers, mut samples) = (20_000i64, 2usize, 200usize);
    let mut targets = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--events" => events = args.next().and_then(|n| n.parse().ok()).unwrap_or(events),
            "--workers" => workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(workers),
            "--samples" => samples = args.next().and_then(|n| n.parse().ok()).unwrap_or(samples),
            other => targets.push(other.to_owned()),
        }
    }
    if targets.is_empty() {
        eprintln!(
            "usage: cargo bench --bench webhooks -- [--events N] [--workers N] [--samples N] sqlite|POSTGRES_URL ..."
        );
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for t in &targets {
            bench(t, events, workers, samples).await;
        }
    });
}
