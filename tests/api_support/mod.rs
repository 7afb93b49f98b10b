//! Support for the API tests: a server on 127.0.0.1:0 over a test database, a real HTTP
//! client, tokens, more rows to page through, and the log lines the server wrote.
#![allow(dead_code)]

pub mod schema;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Mutex, Once};

use chrono::{Duration, Utc};
use obryl::config::Config;
use obryl::service::tokens::{self, NewToken};
use obryl::service::{Actor, Origin};
use obryl::store::{Db, bulk};
use sea_query::{Expr, ExprTrait, Query, Value};
use tokio::sync::oneshot;

use crate::common::fixtures::AWA;

static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static INIT: Once = Once::new();

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Once per test binary: the TLS provider reqwest needs, and every log line into memory.
pub fn init() {
    INIT.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info,sqlx=warn")
            .with_writer(|| Capture)
            .with_ansi(false)
            .try_init();
    });
}

/// Everything logged so far by this test binary.
pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

pub struct Running {
    pub base: String,
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server and waits until it has.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

/// The API on `db`, listening on a free loopback port, at `rate` requests per token per second.
pub async fn start(db: &Db, rate: u32) -> Running {
    init();
    let mut config = Config::defaults();
    config.api.rate_per_second = rate;
    // Served as Awa made super-admin (who manages tokens).
    let identity = obryl::api::Identity::check(db, &admin(db).await)
        .await
        .expect("an identity that may serve");
    let server = obryl::api::Server::bind(
        db.clone(),
        &config,
        "127.0.0.1:0".parse().unwrap(),
        identity,
    )
    .await
    .expect("bind loopback");
    let addr = server.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    Running {
        base: format!("http://{addr}"),
        addr,
        stop: Some(tx),
        task: Some(task),
    }
}

pub fn client() -> reqwest::Client {
    init();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client")
}

/// Awa (finance in the fixtures) made super-admin, the only role that manages tokens.
pub async fn admin(db: &Db) -> Actor {
    let mut tx = db.begin().await.unwrap();
    let role = obryl::store::users::role_id(&mut tx, "super-admin")
        .await
        .unwrap()
        .unwrap();
    obryl::store::users::grant_role(&mut tx, AWA, role)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Actor::load(&mut db.clone(), AWA).await.unwrap()
}

/// A new token's id and plaintext.
pub async fn token(db: &Db, actor: &Actor, abilities: &[&str]) -> (i64, String) {
    let abilities: Vec<String> = abilities.iter().map(|a| (*a).to_owned()).collect();
    let created = tokens::create(
        db,
        actor,
        &Origin::cli(),
        &NewToken {
            name: "Intégration Jira « test »",
            abilities: &abilities,
            expires_in_days: Some(30),
        },
    )
    .await
    .expect("create token");
    (created.id, created.plaintext)
}

/// Moves a token's expiry into the past.
pub async fn expire(db: &Db, id: i64) {
    let q = Query::update()
        .table("personal_access_tokens")
        .value("expires_at", Utc::now() - Duration::minutes(1))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    assert_eq!(db.exec(&q).await.unwrap(), 1);
}

pub async fn last_used_at(db: &Db, id: i64) -> Option<chrono::DateTime<Utc>> {
    let q = Query::select()
        .column("last_used_at")
        .from("personal_access_tokens")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    db.one::<(Option<chrono::DateTime<Utc>>,)>(&q)
        .await
        .unwrap()
        .0
}

/// Every text in every column of `table`, each read as text.
pub async fn texts(db: &Db, table: &obryl::store::schema::Table) -> Vec<String> {
    let mut q = Query::select();
    q.from(table.name);
    for col in table.columns {
        q.expr(Expr::cust(format!("CAST({col} AS TEXT)")));
    }
    let mut out = Vec::new();
    let rows: Vec<Vec<Option<String>>> = match db {
        Db::Sqlite(pool) => {
            use sea_query_sqlx::SqlxBinder;
            let (sql, values) = q.build_sqlx(sea_query::SqliteQueryBuilder);
            let rows = sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
                .fetch_all(pool)
                .await
                .unwrap();
            use sqlx::Row;
            rows.iter()
                .map(|r| (0..table.columns.len()).map(|i| r.get(i)).collect())
                .collect()
        }
        Db::Postgres(pool) => {
            use sea_query_sqlx::SqlxBinder;
            let (sql, values) = q.build_sqlx(sea_query::PostgresQueryBuilder);
            let rows = sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
                .fetch_all(pool)
                .await
                .unwrap();
            use sqlx::Row;
            rows.iter()
                .map(|r| (0..table.columns.len()).map(|i| r.get(i)).collect())
                .collect()
        }
        Db::MySql(pool) => {
            use sea_query_sqlx::SqlxBinder;
            let (sql, values) = q.build_sqlx(obryl::store::mysql::Builder);
            let sql = obryl::store::mysql::casts(&sql);
            let rows = sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
                .fetch_all(pool)
                .await
                .unwrap();
            use sqlx::Row;
            rows.iter()
                .map(|r| (0..table.columns.len()).map(|i| r.get(i)).collect())
                .collect()
        }
    };
    for row in rows {
        out.extend(row.into_iter().flatten());
    }
    out
}

/// A token row written as the platform (Sanctum 3) writes one: a 40-character secret without
/// checksum, abilities `["*"]`. Returns the plaintext.
pub async fn platform_token(db: &Db, owner: i64) -> String {
    let secret = "Pl4tf0rmT0kenW1th0utCheck5umAbCdEfGhIjKl";
    assert_eq!(secret.len(), 40);
    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    let id = tx
        .insert_id(
            &Query::insert()
                .into_table("personal_access_tokens")
                .columns([
                    "tokenable_type",
                    "tokenable_id",
                    "name",
                    "token",
                    "abilities",
                    "created_at",
                    "updated_at",
                ])
                .values_panic([
                    "App\\Models\\User".into(),
                    owner.into(),
                    "platform".into(),
                    obryl::domain::api_token::hash_secret(secret).into(),
                    "[\"*\"]".into(),
                    now.into(),
                    now.into(),
                ])
                .to_owned(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    format!("{id}|{secret}")
}

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

/// `n` more projects (ids from 1000), each with a paid commission, an escrow and a ticket, so
/// every list has more than one page of 100.
pub async fn more_rows(db: &Db, n: i64) {
    use crate::common::fixtures::{CLIENT, MOUSSA, REQUESTER};
    let now = Utc::now();
    let ids: Vec<i64> = (1000..1000 + n).collect();
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
            "created_at",
            "updated_at",
        ],
        ids.iter()
            .map(|id| {
                vec![
                    v(*id),
                    v(CLIENT),
                    v(MOUSSA),
                    v(format!("Boutique n°{id}")),
                    v(format!("boutique-{id}")),
                    v(450_000i64 + id),
                    v("XOF"),
                    v("completed"),
                    v(now),
                    v(now),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    bulk::insert_rows(
        &mut tx,
        "commissions",
        &[
            "id",
            "project_id",
            "gross_amount",
            "rate_bps",
            "amount",
            "currency",
            "status",
            "requested_by",
            "rejection_reason",
            "payment_reference",
            "created_at",
            "updated_at",
        ],
        ids.iter()
            .map(|id| {
                vec![
                    v(*id),
                    v(*id),
                    v(100_000i64),
                    v(1500i64),
                    v(15_000i64),
                    v("XOF"),
                    v("cancelled"),
                    v(REQUESTER),
                    v(Option::<String>::None),
                    v("INTERNAL-PAYOUT-REF"),
                    v(now),
                    v(now),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    bulk::insert_rows(
        &mut tx,
        "escrows",
        &[
            "id",
            "project_id",
            "currency",
            "amount_held",
            "amount_released",
            "amount_refunded",
            "status",
            "provider",
            "created_at",
            "updated_at",
        ],
        ids.iter()
            .map(|id| {
                vec![
                    v(*id),
                    v(*id),
                    v("XOF"),
                    v(450_000i64),
                    v(400_000i64),
                    v(0i64),
                    v("partially_released"),
                    v("wave"),
                    v(now),
                    v(now),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    bulk::insert_rows(
        &mut tx,
        "support_tickets",
        &[
            "id",
            "reference",
            "requester_id",
            "project_id",
            "subject",
            "body",
            "category",
            "priority",
            "status",
            "created_at",
            "updated_at",
        ],
        ids.iter()
            .map(|id| {
                vec![
                    v(*id),
                    v(format!("TCK-2026-{id:06}")),
                    v(CLIENT),
                    v(*id),
                    v(format!("Question n°{id}")),
                    v("INTERNAL BODY"),
                    v("billing"),
                    v("normal"),
                    v("open"),
                    v(now),
                    v(now),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    bulk::reset_sequences(
        db,
        &["projects", "commissions", "escrows", "support_tickets"],
    )
    .await
    .unwrap();
}

/// A response's body as JSON (Null when it is not JSON).
pub async fn json(r: reqwest::Response) -> serde_json::Value {
    let bytes = r.bytes().await.expect("body");
    serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)
}
