//! Analytics on real SQLite, PostgreSQL and MariaDB: what `office::analytics::months` reads
//! from the rollup equals sums computed here from the source tables' rows, for every month and
//! currency (referred revenue and referral rewards included), on the demo and after random
//! service operations; the rollup the services keep equals `rebuild`'s recomputation after
//! every step.
//!
//! More steps: `OBRYL_ANALYTICS_STEPS=2000 cargo test --test analytics --release`.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use obryl::domain::{ProjectStatus, TicketStatus};
use obryl::office::analytics::{self, YearMonth};
use obryl::seed::{SeedOptions, Size, seed};
use obryl::service::commissions::Kind;
use obryl::service::escrow::{Split, Take};
use obryl::service::projects::NewProject;
use obryl::service::{self, Actor, Origin};
use obryl::store::{self, Db};
use rand::{Rng, SeedableRng};

type Sums = BTreeMap<(String, String, String), i64>;
type Stamp = Option<DateTime<Utc>>;
type Payment = (String, String, Option<i64>, i64, String, Stamp);
type Transfer = (i64, String, String, i64, String, Stamp);
type Commission = (i64, String, i64, String, Stamp);

async fn demo(db: &Db) {
    let opts = SeedOptions {
        size: Size::Demo,
        seed: 42,
        anchor: Utc::now() - chrono::Duration::minutes(5),
    };
    seed(db, &opts, &|_, _, _| {}).await.expect("seed");
}

async fn actor(db: &Db, email: &str) -> Actor {
    let user = store::users::find_by_email(&mut db.clone(), email)
        .await
        .unwrap()
        .expect("demo user");
    Actor::load(&mut db.clone(), user.id).await.unwrap()
}

/// Plain SQL both backends read alike (no parameters, nothing dialect-specific).
async fn rows<T>(db: &Db, sql: &'static str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + for<'r> sqlx::FromRow<'r, sqlx::mysql::MySqlRow>
        + Send
        + Unpin,
{
    match db {
        Db::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        Db::MySql(p) => sqlx::query_as(sqlx::AssertSqlSafe(obryl::store::mysql::casts(sql)))
            .fetch_all(p)
            .await
            .unwrap(),
    }
}

async fn ids(db: &Db, sql: &'static str) -> Vec<i64> {
    // MariaDB's ids are unsigned, as Laravel makes them.
    if let Db::MySql(p) = db {
        let ids: Vec<u64> = sqlx::query_scalar(sql).fetch_all(p).await.unwrap();
        return ids.into_iter().map(|id| id as i64).collect();
    }
    rows::<(i64,)>(db, sql)
        .await
        .into_iter()
        .map(|r| r.0)
        .collect()
}

/// The definitions of docs/ANALYTICS.md applied here, row by row, to the source tables.
async fn direct(db: &Db) -> Sums {
    let mut s = Sums::new();
    let mut add = |at: DateTime<Utc>, metric: &str, currency: &str, v: i64| {
        let key = (
            YearMonth::of(at).to_string(),
            metric.to_owned(),
            currency.to_owned(),
        );
        *s.entry(key).or_default() += v;
    };
    let payments: Vec<Payment> = rows(
        db,
        "SELECT direction, status, CAST(escrow_id AS BIGINT), amount, currency, updated_at FROM payment_transactions",
    )
    .await;
    for (direction, status, escrow, amount, currency, at) in payments {
        if direction == "collection" && status == "succeeded" && escrow.is_some() {
            add(at.unwrap(), "collected", &currency, amount);
        }
    }
    let transfers: Vec<Transfer> = rows(
        db,
        "SELECT t.code, t.phase, a.kind, t.amount, t.currency, t.created_at \
         FROM ledger_transfers t JOIN ledger_accounts a ON a.id = t.debit_account_id",
    )
    .await;
    for (code, phase, kind, amount, currency, at) in transfers {
        if kind != "escrow" || phase == "pending" || phase == "void_pending" {
            continue;
        }
        match code {
            5 | 3 => add(at.unwrap(), "released", &currency, amount),
            8 => add(at.unwrap(), "refunded", &currency, amount),
            _ => {}
        }
    }
    let commissions: Vec<Commission> = rows(
        db,
        "SELECT CAST(id AS BIGINT), status, amount, currency, paid_at FROM commissions",
    )
    .await;
    for (_, status, amount, currency, paid_at) in &commissions {
        if status == "paid" {
            add(paid_at.unwrap(), "commission", currency, *amount);
        }
    }
    // Rewards on the day they were earned; the commission behind any once, on its first.
    let rewards: Vec<(i64, i64, String, Stamp)> = rows(
        db,
        "SELECT CAST(commission_id AS BIGINT), amount, currency, created_at FROM referral_rewards",
    )
    .await;
    let mut first: BTreeMap<i64, DateTime<Utc>> = BTreeMap::new();
    for (commission, amount, currency, at) in rewards {
        let at = at.unwrap();
        add(at, "referral_rewards", &currency, amount);
        let day = first.entry(commission).or_insert(at);
        *day = (*day).min(at);
    }
    for (id, _, amount, currency, _) in &commissions {
        if let Some(at) = first.get(id) {
            add(*at, "referred_revenue", currency, *amount);
        }
    }
    type Stamps = (
        String,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let projects: Vec<Stamps> = rows(
        db,
        "SELECT status, created_at, completed_at, cancelled_at FROM projects",
    )
    .await;
    for (status, created, completed, cancelled) in projects {
        add(created, "projects_created", "", 1);
        match (status.as_str(), completed, cancelled) {
            ("completed", Some(at), _) => add(at, "projects_completed", "", 1),
            ("cancelled", _, Some(at)) => add(at, "projects_cancelled", "", 1),
            _ => {}
        }
    }
    let tickets: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> =
        rows(db, "SELECT created_at, resolved_at FROM support_tickets").await;
    for (created, resolved) in tickets {
        add(created, "tickets_opened", "", 1);
        if let Some(at) = resolved {
            add(at, "tickets_solved", "", 1);
        }
    }
    s.retain(|_, v| *v != 0);
    s
}

/// What `office::analytics::months` shows over the whole history, as the same sums.
async fn shown(db: &Db, direct: &Sums) -> Sums {
    let months: Vec<YearMonth> = direct
        .keys()
        .map(|k| YearMonth::parse(&k.0).unwrap())
        .collect();
    let (from, to) = (*months.iter().min().unwrap(), *months.iter().max().unwrap());
    let rows = analytics::months(&mut db.clone(), from, to, None)
        .await
        .unwrap();
    let mut s = Sums::new();
    for r in &rows {
        let m = r.month.to_string();
        for (metric, v) in [
            ("collected", r.collected),
            ("released", r.released),
            ("commission", r.commission),
            ("refunded", r.refunded),
            ("referred_revenue", r.referred_revenue),
            ("referral_rewards", r.referral_rewards),
        ] {
            s.insert((m.clone(), metric.into(), r.currency.clone()), v);
        }
        for (metric, v) in [
            ("projects_created", r.projects_created),
            ("projects_completed", r.projects_completed),
            ("projects_cancelled", r.projects_cancelled),
            ("tickets_opened", r.tickets_opened),
            ("tickets_solved", r.tickets_solved),
        ] {
            // Counts are platform-wide: every currency's row of a month carries the same.
            let prev = s.insert((m.clone(), metric.into(), String::new()), v);
            assert!(prev.is_none_or(|p| p == v), "{m} {metric}");
        }
    }
    // One currency asked: the same figures.
    if let Some(r) = rows.iter().find(|r| r.collected > 0) {
        let cur = obryl::domain::Currency::parse(&r.currency).unwrap();
        let one = analytics::months(&mut db.clone(), r.month, r.month, Some(cur))
            .await
            .unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(&one[0], r);
    }
    s.retain(|_, v| *v != 0);
    s
}

async fn agree(db: &Db, step: &str) {
    let kept = store::analytics::daily(&mut db.clone()).await.unwrap();
    let recomputed = store::analytics::recompute_daily(db).await.unwrap();
    assert_eq!(
        kept, recomputed,
        "rollup differs from the recomputation {step}"
    );
    let d = direct(db).await;
    assert_eq!(
        shown(db, &d).await,
        d,
        "months differ from direct sums {step}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_demo_months_agree_with_the_source_tables() {
    on_all!(|db| {
        demo(&db).await;
        let d = direct(&db).await;
        for metric in [
            "collected",
            "released",
            "commission",
            "projects_completed",
            "referred_revenue",
            "referral_rewards",
        ] {
            assert!(d.keys().any(|k| k.1 == metric), "the demo has {metric}");
        }
        agree(&db, "after seeding").await;
        // Rebuilding again changes nothing.
        let before = store::analytics::daily(&mut db.clone()).await.unwrap();
        store::analytics::rebuild(&db).await.unwrap();
        assert_eq!(
            store::analytics::daily(&mut db.clone()).await.unwrap(),
            before
        );
    });
}

/// The embedded demo database of a first run carries its rollup too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_run_demo_has_its_rollup() {
    let (db, _dir) = common::ui::demo_db().await;
    agree(&db, "in the demo database").await;
}

/// Random payments, releases, refunds, dispute decisions, commission approvals and payments,
/// projects created, completed and cancelled, tickets solved, reopened and followed up.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_rollup_stays_equal_to_its_recomputation() {
    let steps: u64 = std::env::var("OBRYL_ANALYTICS_STEPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    on_all!(|db| {
        demo(&db).await;
        let admin = actor(&db, "admin@obryl.test").await;
        let unlimited = serde_json::json!({"XOF": i64::MAX, "XAF": i64::MAX, "EUR": i64::MAX});
        let o = Origin::cli();
        service::settings::update(
            &db,
            &admin,
            &o,
            "commission",
            "dual_approval_threshold",
            unlimited,
        )
        .await
        .unwrap();
        let fin = actor(&db, "finance@obryl.test").await;
        let fin2 = actor(&db, "finance2@obryl.test").await;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(16);
        let mut done = 0;
        for step in 0..steps {
            let who = if rng.random_bool(0.5) { &fin } else { &fin2 };
            let pick = |v: Vec<i64>, rng: &mut rand_chacha::ChaCha8Rng| {
                (!v.is_empty()).then(|| v[rng.random_range(0..v.len())])
            };
            let r = match rng.random_range(0..9) {
                0 => match pick(
                    ids(&db, "SELECT id FROM payment_transactions WHERE status IN ('initiated', 'pending')").await,
                    &mut rng,
                ) {
                    Some(id) => {
                        let reference = format!("REF-AN-{step}");
                        service::payments::confirm(&db, who, &o, id, &reference).await
                    }
                    None => Ok(()),
                },
                k @ 1..=3 => match pick(
                    ids(&db, "SELECT id FROM escrows WHERE status IN ('held', 'partially_released', 'partially_refunded', 'disputed')").await,
                    &mut rng,
                ) {
                    Some(id) => {
                        let take = if rng.random_bool(0.5) { Take::All } else { Take::Amount(rng.random_range(1..=50_000)) };
                        match k {
                            1 => service::escrow::release(&db, who, &o, id, take, None).await.map(drop),
                            2 => service::escrow::refund(&db, who, &o, id, take, "test", None).await.map(drop),
                            _ => service::escrow::decide_dispute(&db, who, &o, id, Split::DeveloperBps(rng.random_range(0..=10_000)), "test", None).await.map(drop),
                        }
                    }
                    None => Ok(()),
                },
                4 => {
                    let kind = if rng.random_bool(0.5) { Kind::Platform } else { Kind::External };
                    let (pending, approved) = match kind {
                        Kind::Platform => (
                            ids(&db, "SELECT id FROM commissions WHERE status = 'pending'").await,
                            ids(&db, "SELECT id FROM commissions WHERE status = 'approved'").await,
                        ),
                        Kind::External => (
                            ids(&db, "SELECT id FROM ext_commissions WHERE status = 'pending'").await,
                            ids(&db, "SELECT id FROM ext_commissions WHERE status = 'approved'").await,
                        ),
                    };
                    if rng.random_bool(0.3) && let Some(id) = pick(pending, &mut rng) {
                        service::commissions::approve(&db, who, &o, kind, id, None).await.map(drop)
                    } else if let Some(id) = pick(approved, &mut rng) {
                        service::commissions::pay(&db, who, &o, kind, id, "VIR-AN", None).await.map(drop)
                    } else {
                        Ok(())
                    }
                }
                5 => {
                    let title = format!("Analytics project {step}");
                    let p = NewProject {
                        client_id: ids(&db, "SELECT client_id FROM projects ORDER BY id LIMIT 1").await[0],
                        title: &title,
                        slug: None,
                        description: "",
                        budget: "450 000",
                        currency: "XOF",
                        estimated_hours: None,
                    };
                    service::projects::create(&db, &admin, &o, &p).await.map(drop)
                }
                6 => {
                    let (sql, to): (&'static str, ProjectStatus) = if rng.random_bool(0.5) {
                        ("SELECT id FROM projects WHERE status = 'delivered'", ProjectStatus::Completed)
                    } else {
                        ("SELECT id FROM projects WHERE status IN ('draft', 'open', 'assigned')", ProjectStatus::Cancelled)
                    };
                    match pick(ids(&db, sql).await, &mut rng) {
                        Some(id) => service::projects::transition(&db, &admin, &o, id, to, Some("test"), None).await,
                        None => Ok(()),
                    }
                }
                7 => match pick(ids(&db, "SELECT id FROM support_tickets WHERE status IN ('new', 'open', 'pending', 'on_hold', 'solved')").await, &mut rng) {
                    Some(id) => {
                        let t = store::tickets::get(&mut db.clone(), id).await.unwrap().unwrap();
                        let (to, resolution) = match t.status.as_str() {
                            "solved" if rng.random_bool(0.5) => (TicketStatus::Open, None),
                            "solved" => (TicketStatus::Closed, None),
                            "new" => (TicketStatus::Open, None),
                            _ => (TicketStatus::Solved, Some("done")),
                        };
                        service::tickets::transition(&db, &admin, &o, id, to, resolution, None).await
                    }
                    None => Ok(()),
                },
                _ => match pick(ids(&db, "SELECT id FROM support_tickets WHERE status = 'closed'").await, &mut rng) {
                    Some(id) => service::tickets::follow_up(&db, &admin, &o, id, "Suite de votre demande").await.map(drop),
                    None => Ok(()),
                },
            };
            match &r {
                Err(e) => assert!(e.is_refusal(), "step {step}: {e:?}"),
                Ok(()) => done += 1,
            }
            if step % 20 == 19 {
                agree(&db, &format!("after step {step}")).await;
            }
        }
        eprintln!("{done} of {steps} operations went through");
        assert!(
            done > steps / 3,
            "{done} of {steps} operations went through"
        );
        agree(&db, "at the end").await;
        let kept = store::analytics::daily(&mut db.clone()).await.unwrap();
        store::analytics::rebuild(&db).await.unwrap();
        assert_eq!(
            store::analytics::daily(&mut db.clone()).await.unwrap(),
            kept
        );
    });
}
