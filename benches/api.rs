//! Timed harness for the partners' read API (not a test): latency at a fixed request rate over
//! real HTTP on the loopback. Requests are sent open-loop, each at its scheduled instant
//! whatever the earlier ones are doing, and latency is counted from that instant (so a server
//! that falls behind is charged for the queue, as wrk2 does); a reqwest client on its own
//! runtime thread, the server (`obryl::api::Server`) on two others.
//!
//! Usage: cargo bench --bench api -- [--seconds N] DATABASE_URL ...
//! Each database must be migrated and seeded (`obryl seed --size large`). A token with `*` is
//! created for the run through the service (as the seeded super-admin) and revoked after.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use obryl::config::Config;
use obryl::service::tokens::{self, NewToken};
use obryl::service::{Actor, Origin};
use obryl::store::Db;
use rand::{Rng, SeedableRng};
use tokio::sync::Mutex;

struct Scenario {
    name: &'static str,
    rate: u32,
    /// The path of the i-th request.
    path: Box<dyn Fn(&mut rand_chacha::ChaCha8Rng) -> String + Send + Sync>,
}

#[derive(Default)]
struct Tally {
    /// Microseconds from the scheduled send to the end of the body.
    latencies: Vec<u64>,
    ok: usize,
    not_ok: usize,
    errors: usize,
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

async fn max_id(db: &Db, table: &str) -> i64 {
    let q = sea_query::Query::select()
        .expr(sea_query::Expr::cust("COALESCE(MAX(id), 0)"))
        .from(sea_query::Alias::new(table))
        .to_owned();
    db.one::<(i64,)>(&q).await.expect("max id").0
}

/// Sends `s.rate` requests a second for `seconds`, after a one-second warm-up.
async fn run(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    s: &Scenario,
    seconds: u64,
) -> Tally {
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let interval = Duration::from_secs_f64(1.0 / f64::from(s.rate));
    let warm = u64::from(s.rate);
    let total = warm + u64::from(s.rate) * seconds;
    let start = Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let at = start + interval.mul_f64(i as f64);
        let url = format!("{base}{}", (s.path)(&mut rng));
        let (client, token, tally) = (client.clone(), token.to_owned(), tally.clone());
        tokio::time::sleep_until(at.into()).await;
        tasks.push(tokio::spawn(async move {
            let result = client.get(&url).bearer_auth(&token).send().await;
            let outcome = match result {
                Ok(r) => {
                    let ok = r.status().is_success();
                    r.bytes().await.map(|_| ok)
                }
                Err(e) => Err(e),
            };
            let took = at.elapsed().as_micros() as u64;
            if i < warm {
                return;
            }
            let mut t = tally.lock().await;
            match outcome {
                Ok(true) => t.ok += 1,
                Ok(false) => t.not_ok += 1,
                Err(_) => t.errors += 1,
            }
            t.latencies.push(took);
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    Arc::try_unwrap(tally)
        .ok()
        .expect("tasks done")
        .into_inner()
}

fn cursor(list: &str, id: i64) -> String {
    // The cursor is opaque to partners; the harness builds one to start at random places.
    URL_SAFE_NO_PAD.encode(format!("{list}:{id}"))
}

fn list_page(
    list: &'static str,
    max: i64,
) -> Box<dyn Fn(&mut rand_chacha::ChaCha8Rng) -> String + Send + Sync> {
    Box::new(move |rng| {
        let after = rng.random_range(101..=max.max(102));
        format!("/api/v1/{list}?limit=100&cursor={}", cursor(list, after))
    })
}

fn bench(url: &str, seconds: u64) {
    // The server and the database pool on two threads; the client on a third.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (db, admin, created, max) = server_rt.block_on(async {
        let db = Db::connect(url).await.expect("connect");
        db.ensure_migrated()
            .await
            .expect("migrated and seeded database");
        let admin_id = obryl::store::users::find_by_email(&mut db.clone(), "admin@obryl.test")
            .await
            .expect("read")
            .expect("the seeded super-admin admin@obryl.test")
            .id;
        let admin = Actor::load(&mut db.clone(), admin_id).await.expect("admin");
        let abilities = ["*".to_owned()];
        let created = tokens::create(
            &db,
            &admin,
            &Origin::cli(),
            &NewToken {
                name: "api bench",
                abilities: &abilities,
                expires_in_days: Some(1),
            },
        )
        .await
        .expect("token");
        let mut max = Vec::new();
        for table in ["projects", "commissions", "escrows", "support_tickets"] {
            max.push(max_id(&db, table).await);
        }
        (db, admin, created, max)
    });
    let mut config = Config::defaults();
    // Unlimited: the harness measures latency, not the limiter.
    config.api.rate_per_second = 0;
    let server = server_rt
        .block_on(async {
            let identity = obryl::api::Identity::check(&db, &admin)
                .await
                .expect("an identity that may serve");
            obryl::api::Server::bind(
                db.clone(),
                &config,
                "127.0.0.1:0".parse().unwrap(),
                identity,
            )
            .await
        })
        .expect("bind");
    let base = format!("http://{}", server.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let served = server_rt.spawn(server.run(async {
        let _ = rx.await;
    }));

    let projects = max[0];
    let scenarios = [
        Scenario {
            name: "GET /projects/{id}",
            rate: 500,
            path: Box::new(move |rng| {
                format!("/api/v1/projects/{}", rng.random_range(1..=projects))
            }),
        },
        Scenario {
            name: "GET /projects?limit=100",
            rate: 50,
            path: list_page("projects", projects),
        },
        Scenario {
            name: "GET /commissions?limit=100",
            rate: 50,
            path: list_page("commissions", max[1]),
        },
        Scenario {
            name: "GET /escrows?limit=100",
            rate: 50,
            path: list_page("escrows", max[2]),
        },
        Scenario {
            name: "GET /tickets?limit=100",
            rate: 50,
            path: list_page("tickets", max[3]),
        },
    ];
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    client_rt.block_on(async {
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(64)
            .build()
            .unwrap();
        println!("\n{} ({seconds} s per scenario)", db.describe());
        println!("| scenario | rate | requests | p50 | p90 | p99 | max | non-2xx | errors |");
        println!("|---|---|---|---|---|---|---|---|---|");
        for s in &scenarios {
            let mut t = run(&client, &base, &created.plaintext, s, seconds).await;
            t.latencies.sort_unstable();
            let l = &t.latencies;
            println!(
                "| {} | {}/s | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {} | {} |",
                s.name,
                s.rate,
                l.len(),
                pct(l, 0.50),
                pct(l, 0.90),
                pct(l, 0.99),
                pct(l, 1.0),
                t.not_ok,
                t.errors
            );
        }
    });
    let _ = tx.send(());
    server_rt.block_on(async {
        served.await.unwrap().unwrap();
        tokens::revoke(&db, &admin, &Origin::cli(), created.id)
            .await
            .expect("revoke the bench token");
        db.close().await;
    });
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut seconds = 20;
    if let Some(i) = args.iter().position(|a| a == "--seconds") {
        seconds = args
            .get(i + 1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(seconds);
        args.drain(i..(i + 2).min(args.len()));
    }
    if args.is_empty() {
        eprintln!("usage: cargo bench --bench api -- [--seconds N] DATABASE_URL ...");
        return;
    }
    for url in args {
        bench(&url, seconds);
    }
}
