//! Referral figures in the analytics, on every backend: paying a platform commission whose
//! parties were referred counts its amount once as referred revenue and the rewards it earned
//! to the franc, on the month it was paid, in its currency; a commission that earned no reward
//! adds no referred revenue; the rollup the payment keeps equals the recomputation from the
//! tables; `obryl analytics --json` carries both figures.

mod common;

use chrono::{DateTime, Duration, Utc};
use obryl::domain::Currency;
use obryl::office::analytics::{self, MonthRow, YearMonth};
use obryl::service::{self, Origin};
use obryl::store::commissions::Kind;
use obryl::store::{self, Db, bulk};
use sea_query::Value;

use common::cli::{code, json, text};
use common::fixtures::{self, AWA, C_APPROVED, CLIENT, IDLE, KOFFI, MOUSSA};

/// Code `id` of `owner` (10 %, `caps`) and the referral `id` it made of `referred` at `at`.
async fn referral(
    db: &Db,
    id: i64,
    owner: i64,
    referred: i64,
    at: DateTime<Utc>,
    caps: serde_json::Value,
) {
    let mut tx = db.begin().await.unwrap();
    bulk::insert_rows(
        &mut tx,
        "referral_codes",
        &[
            "id",
            "user_id",
            "code",
            "reward_rate_bps",
            "uses",
            "reward_caps",
            "created_at",
            "updated_at",
        ],
        vec![vec![
            id.into(),
            owner.into(),
            format!("CODE-{id}").into(),
            1000.into(),
            1.into(),
            Value::from(caps),
            at.into(),
            at.into(),
        ]],
    )
    .await
    .unwrap();
    bulk::insert_rows(
        &mut tx,
        "referrals",
        &[
            "id",
            "referral_code_id",
            "referrer_id",
            "referred_user_id",
            "created_at",
            "updated_at",
        ],
        vec![vec![
            id.into(),
            id.into(),
            owner.into(),
            referred.into(),
            at.into(),
            at.into(),
        ]],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Pays the approved commission; returns its amount and the month it was paid in.
async fn pay(db: &Db) -> (i64, YearMonth) {
    let actor = fixtures::actor(db, AWA).await;
    service::commissions::pay(
        db,
        &actor,
        &Origin::cli(),
        Kind::Platform,
        C_APPROVED,
        "WAVE-2026-0042",
        None,
    )
    .await
    .unwrap();
    let row = store::commissions::get(&mut db.clone(), Kind::Platform, C_APPROVED)
        .await
        .unwrap()
        .unwrap();
    (row.amount, YearMonth::of(row.paid_at.unwrap()))
}

/// The month's XOF row of the analytics.
async fn month(db: &Db, m: YearMonth) -> MonthRow {
    let rows = analytics::months(&mut db.clone(), m, m, Some(Currency::XOF))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.into_iter().next().unwrap()
}

/// The money the payment bumped equals its recomputation from the source tables (the
/// fixtures' projects and tickets are written in bulk, without the rollup).
async fn rollup_agrees(db: &Db) {
    let money = |cells: Vec<store::analytics::Cell>| {
        cells
            .into_iter()
            .filter(|c| {
                ["commission", "referred_revenue", "referral_rewards"].contains(&c.metric.as_str())
            })
            .collect::<Vec<_>>()
    };
    let kept = money(store::analytics::daily(&mut db.clone()).await.unwrap());
    let recomputed = money(store::analytics::recompute_daily(db).await.unwrap());
    assert_eq!(kept, recomputed);
}

#[tokio::test]
async fn a_referred_commission_counts_once_and_its_rewards_to_the_franc() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let signed_up = Utc::now() - Duration::days(3);
        // Both parties were referred: the client by Idle, the developer by Koffi (capped).
        referral(&db, 1, IDLE, CLIENT, signed_up, serde_json::json!({})).await;
        let capped = serde_json::json!({"XOF": {"per_reward": 12_345}});
        referral(&db, 2, KOFFI, MOUSSA, signed_up, capped).await;
        let (amount, m) = pay(&db).await;
        let r = month(&db, m).await;
        assert_eq!(r.commission, amount);
        // 150 000 counted once, though two rewards came from it.
        assert_eq!(r.referred_revenue, 150_000);
        assert_eq!(r.referred_revenue, amount);
        // 10 % of it, and the other capped to the franc.
        assert_eq!(r.referral_rewards, 15_000 + 12_345);
        assert_eq!(r.referred_revenue_growth, None, "nothing the month before");
        // Nothing in another currency.
        let eur = analytics::months(&mut db.clone(), m, m, Some(Currency::EUR))
            .await
            .unwrap();
        assert_eq!((eur[0].referred_revenue, eur[0].referral_rewards), (0, 0));
        rollup_agrees(&db).await;
        // Rebuilding from the tables gives the same figures.
        store::analytics::rebuild(&db).await.unwrap();
        let again = month(&db, m).await;
        let figures = |r: &MonthRow| (r.commission, r.referred_revenue, r.referral_rewards);
        assert_eq!(figures(&again), figures(&r));
    });
}

#[tokio::test]
async fn a_commission_without_a_reward_adds_no_referred_revenue() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let (amount, m) = pay(&db).await;
        let r = month(&db, m).await;
        assert_eq!(r.commission, amount);
        assert_eq!((r.referred_revenue, r.referral_rewards), (0, 0));
        rollup_agrees(&db).await;
    });
    on_all!(|db| {
        fixtures::world(&db).await;
        // Referred 13 months ago: the window has closed, no reward, no referred revenue.
        let long_ago = Utc::now() - Duration::days(400);
        referral(&db, 1, IDLE, CLIENT, long_ago, serde_json::json!({})).await;
        let (amount, m) = pay(&db).await;
        let r = month(&db, m).await;
        assert_eq!(r.commission, amount);
        assert_eq!((r.referred_revenue, r.referral_rewards), (0, 0));
        rollup_agrees(&db).await;
    });
}

#[tokio::test]
async fn the_json_carries_referred_revenue_and_rewards() {
    on_all!(|db| {
        fixtures::world(&db).await;
        referral(
            &db,
            1,
            IDLE,
            CLIENT,
            Utc::now() - Duration::days(3),
            serde_json::json!({}),
        )
        .await;
        let (_, m) = pay(&db).await;
        let rows = analytics::months(&mut db.clone(), m.prev(), m, None)
            .await
            .unwrap();
        // What `obryl analytics --json` prints.
        let out = serde_json::json!({ "months": rows });
        let months = out["months"].as_array().unwrap();
        let this = months
            .iter()
            .find(|r| r["month"] == m.to_string() && r["currency"] == "XOF")
            .unwrap();
        assert_eq!(this["referred_revenue"], 150_000);
        assert_eq!(this["referral_rewards"], 15_000);
        assert!(this["referred_revenue_growth"].is_null(), "{this}");
        assert!(this["referral_rewards_growth"].is_null(), "{this}");
        let before = months
            .iter()
            .find(|r| r["month"] == m.prev().to_string() && r["currency"] == "XOF")
            .unwrap();
        assert_eq!(before["referred_revenue"], 0);
        assert_eq!(before["referral_rewards"], 0);
    });
}

/// The command itself on the demo: each month and currency's referral figures are the sums of
/// the rewards earned that month and of the commissions behind them, each once.
#[tokio::test]
async fn obryl_analytics_json_on_the_demo() {
    let (db, dir) = common::ui::demo_db().await;
    let path = dir.path().join("demo.db");
    let Db::Sqlite(pool) = &db else {
        unreachable!("the demo is SQLite")
    };
    let end = YearMonth::of(common::ui::anchor());
    let (from, to) = (end.plus(-11), end);
    let o = common::cli::obryl(
        &path,
        &[
            "--as",
            "finance@obryl.test",
            "analytics",
            "--from",
            &from.to_string(),
            "--to",
            &to.to_string(),
            "--json",
        ],
    );
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let out = json(&o);
    let months = out["months"].as_array().unwrap();
    let (mut revenue, mut rewards) = (0, 0);
    for r in months {
        let (m, cur) = (
            r["month"].as_str().unwrap(),
            r["currency"].as_str().unwrap(),
        );
        // Days as text: the demo's times are written as Laravel writes them.
        let (start, next) = {
            let m = YearMonth::parse(m).unwrap();
            let day = |m: YearMonth| m.first_day().format("%Y-%m-%d").to_string();
            (day(m), day(m.next()))
        };
        let (earned,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(SUM(amount), 0) FROM referral_rewards \
             WHERE currency = ? AND created_at >= ? AND created_at < ?",
        )
        .bind(cur)
        .bind(&start)
        .bind(&next)
        .fetch_one(pool)
        .await
        .unwrap();
        let (behind,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(SUM(c.amount), 0) FROM commissions c WHERE c.currency = ? \
             AND (SELECT MIN(w.created_at) FROM referral_rewards w WHERE w.commission_id = c.id) \
             >= ? AND (SELECT MIN(w.created_at) FROM referral_rewards w \
             WHERE w.commission_id = c.id) < ?",
        )
        .bind(cur)
        .bind(&start)
        .bind(&next)
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(r["referral_rewards"], earned, "{m} {cur}");
        assert_eq!(r["referred_revenue"], behind, "{m} {cur}");
        revenue += behind;
        rewards += earned;
    }
    assert!(rewards > 0 && revenue > rewards, "the demo earns rewards");
    let o = common::cli::obryl(
        &path,
        &[
            "--as",
            "finance@obryl.test",
            "analytics",
            "--from",
            &from.to_string(),
            "--to",
            &to.to_string(),
        ],
    );
    assert!(
        text(&o).contains("REFERRED") && text(&o).contains("REWARDS"),
        "{}",
        text(&o)
    );
}
