//! What the webhook tests share: a receiver on 127.0.0.1 that records every request and
//! answers from a script, the worker's configuration for tests, a staff member who manages
//! webhooks, and a signature check written from the specification's text with ring.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{SubsecRound, Utc};
use obryl::config::Config;
use obryl::service::{Actor, Origin};
use obryl::store::{Db, bulk};
use sea_query::Value;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Hit {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub content_type: String,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Hit {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// An answer: status, `Retry-After`, delay before answering.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<&'static str>,
    pub delay: Duration,
}

pub fn status(status: u16) -> Answer {
    Answer {
        status,
        retry_after: None,
        delay: Duration::ZERO,
    }
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    script: Arc<Mutex<VecDeque<Answer>>>,
    otherwise: Answer,
}

impl Receiver {
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
    pub fn count(&self) -> usize {
        self.hits.lock().unwrap().len()
    }
}

async fn handle(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    r.hits.lock().unwrap().push(Hit {
        id: h("webhook-id"),
        timestamp: h("webhook-timestamp"),
        signature: h("webhook-signature"),
        content_type: h("content-type"),
        body: body.to_vec(),
        at: Instant::now(),
    });
    let answer = r
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or_else(|| r.otherwise.clone());
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    let code = StatusCode::from_u16(answer.status).unwrap();
    let mut out = (code, format!("answer {}", answer.status)).into_response();
    if let Some(after) = answer.retry_after {
        out.headers_mut()
            .insert("retry-after", after.parse().unwrap());
    }
    out
}

/// A receiver on 127.0.0.1 answering `script` in order, then `otherwise`.
pub async fn receiver(script: Vec<Answer>, otherwise: Answer) -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let r = Receiver {
        url: format!("http://{addr}/hook"),
        hits: Arc::default(),
        script: Arc::new(Mutex::new(script.into())),
        otherwise,
    };
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(handle))
        .with_state(r.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    r
}

/// A receiver answering 200 to everything.
pub async fn ok_receiver() -> Receiver {
    receiver(Vec::new(), status(200)).await
}

/// The worker as the tests run it: receivers on the loopback allowed, a short schedule, a
/// quick poll.
pub fn config(schedule: &[&str]) -> Config {
    let mut c = Config::defaults();
    c.webhooks.allow_private_addresses = true;
    c.webhooks.retry_schedule = schedule.iter().map(|s| (*s).to_owned()).collect();
    c.webhooks.timeout_ms = 5_000;
    c.worker.poll_ms = 10;
    c
}

pub fn origin() -> Origin {
    Origin::cli()
}

pub const MANAGER: i64 = 40;

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

/// A super-admin (who holds webhooks.manage) added to the fixture world.
pub async fn manager(db: &Db) -> Actor {
    let now = Utc::now().trunc_subsecs(0);
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
            "locale",
            "created_at",
            "updated_at",
        ],
        vec![vec![
            v(MANAGER),
            v("Aminata Ndiaye"),
            v(obryl::domain::sort_key("Aminata Ndiaye")),
            v("admin@partners.test"),
            v("$2y$12$H4aG6ZvgaLAHEquoN9PEpeI5ECWzr.R0H0bBEBLzcZq85IDQiq.HS"),
            v("fr"),
            v(now),
            v(now),
        ]],
    )
    .await
    .unwrap();
    let role = obryl::store::users::role_id(&mut tx, "super-admin")
        .await
        .unwrap()
        .unwrap();
    obryl::store::users::grant_role(&mut tx, MANAGER, role)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    bulk::reset_sequences(db, &["users"]).await.unwrap();
    Actor::load(&mut db.clone(), MANAGER).await.unwrap()
}

/// The worker's identity: the manager (a super-admin, so every job runs), made by [`manager`].
pub async fn identity(db: &Db) -> obryl::worker::Identity {
    let manager = Actor::load(&mut db.clone(), MANAGER)
        .await
        .expect("the manager acts as the worker: call manager() first");
    obryl::worker::Identity::check(db, &manager)
        .await
        .expect("the manager may run the worker")
}

/// The specification's check, written apart from the program's (ring's HMAC): the key is the
/// base64 after `whsec_`; the signed content is `{id}.{timestamp}.{body}`; the header holds
/// space-separated `v1,<base64>` signatures, one of which must match.
pub fn verifies(secret: &str, hit: &Hit) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ secret"))
        .expect("base64 key");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let mut content = Vec::new();
    content.extend_from_slice(hit.id.as_bytes());
    content.push(b'.');
    content.extend_from_slice(hit.timestamp.as_bytes());
    content.push(b'.');
    content.extend_from_slice(&hit.body);
    let expected = STANDARD.encode(ring::hmac::sign(&key, &content).as_ref());
    hit.signature
        .split(' ')
        .filter_map(|s| s.split_once(','))
        .any(|(version, sig)| version == "v1" && sig == expected)
}

/// Waits until `done` holds (checked every 20 ms), at most `limit`.
pub async fn until<F, Fut>(limit: Duration, mut done: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < limit {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// The statuses of every attempt of endpoint `id`, oldest first: (attempt, status, code).
pub async fn attempts(db: &Db, id: i64) -> Vec<(i64, String, Option<i64>)> {
    let f = obryl::store::deliveries::Filter {
        endpoint_id: Some(id),
        ..Default::default()
    };
    let page =
        obryl::store::deliveries::page(&mut db.clone(), &f, &obryl::store::Anchor::First, 1000)
            .await
            .unwrap();
    let mut rows: Vec<_> = page
        .rows
        .into_iter()
        .map(|d| (d.attempt, d.status, d.response_status))
        .collect();
    rows.reverse();
    rows
}
