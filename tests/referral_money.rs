//! The money of referral rewards, on every backend: approval makes a reward owed in the
//! ledger; a payout batch pays it out of the referral payable; a refund to the client cancels
//! an unpaid reward (reversing an approved one's debt) and claws back a paid one, which the
//! referrer's next payout nets; a failed payout makes its rewards owed and its clawbacks open
//! again. After every step `ledger verify`'s referral checks hold and the accounts say so.

mod common;

use chrono::{Duration, Utc};
use obryl::office;
use obryl::service::escrow::Take;
use obryl::service::{self, Origin};
use obryl::store::commissions::Kind;
use obryl::store::{Db, bulk};
use sea_query::Value;

use common::fixtures::{self, AWA, C_APPROVED, C_SMALL, CLIENT, IBRAHIMA, IDLE};

/// IDLE's code brought CLIENT three days ago; IDLE is paid through Wave.
async fn referral(db: &Db) {
    let at = Utc::now() - Duration::days(3);
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
            "created_at",
            "updated_at",
        ],
        vec![vec![
            1.into(),
            IDLE.into(),
            "IDLE-2026".into(),
            1000.into(),
            1.into(),
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
            1.into(),
            1.into(),
            IDLE.into(),
            CLIENT.into(),
            at.into(),
            at.into(),
        ]],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    run_sql(
        db,
        "UPDATE profiles SET payout_method = 'wave', payout_account = '+221770000012' WHERE user_id = 12",
    )
    .await;
}

async fn run_sql(db: &Db, sql: &'static str) {
    match db {
        Db::Sqlite(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
        Db::Postgres(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
        Db::MySql(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
    }
}

/// Pays platform commission `id` (approving it first when it is pending), then lets every
/// reward's hold pass. Returns the new reward's id.
async fn earn(db: &Db, id: i64) -> i64 {
    let awa = fixtures::actor(db, AWA).await;
    let o = Origin::cli();
    let c = obryl::store::commissions::get(&mut db.clone(), Kind::Platform, id)
        .await
        .unwrap()
        .unwrap();
    if c.status == "pending" {
        service::commissions::approve(db, &awa, &o, Kind::Platform, id, None)
            .await
            .unwrap();
    }
    service::commissions::pay(db, &awa, &o, Kind::Platform, id, "WAVE-REF", None)
        .await
        .unwrap();
    run_sql(db, "UPDATE referral_rewards SET due_at = created_at").await;
    obryl::store::referral_rewards::list(&mut db.clone(), None, Utc::now(), 1)
        .await
        .unwrap()[0]
        .id
}

async fn reward(db: &Db, id: i64) -> obryl::store::referral_money::RewardMoney {
    obryl::store::referral_money::get(&mut db.clone(), id)
        .await
        .unwrap()
        .unwrap()
}

async fn approve(db: &Db, id: i64) {
    let actor = fixtures::actor(db, IBRAHIMA).await;
    let done = service::referral_decisions::approve(db, &actor, &Origin::cli(), id)
        .await
        .unwrap();
    assert_eq!(done, service::referral_decisions::Approval::Approved);
}

async fn batch(db: &Db) -> Vec<service::payouts::Payout> {
    let awa = fixtures::actor(db, AWA).await;
    service::payouts::create_batch(db, &awa, &Origin::cli(), "wave", Some("XOF"))
        .await
        .unwrap()
        .1
}

/// The project's escrow, funded after its commission was paid (a refund can follow).
async fn escrow(db: &Db, project: i64) -> i64 {
    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    bulk::insert_rows(
        &mut tx,
        "escrows",
        &[
            "id",
            "project_id",
            "currency",
            "amount_held",
            "status",
            "created_at",
            "updated_at",
        ],
        vec![vec![
            project.into(),
            project.into(),
            "XOF".into(),
            500_000.into(),
            "held".into(),
            Value::from(now),
            Value::from(now),
        ]],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    project
}

async fn refund(db: &Db, escrow: i64) {
    let awa = fixtures::actor(db, AWA).await;
    service::escrow::refund(
        db,
        &awa,
        &Origin::cli(),
        escrow,
        Take::Amount(1_000),
        "the client cancelled",
        None,
    )
    .await
    .unwrap();
}

/// The referral checks hold, and the referral accounts hold (payable, receivable) in XOF.
async fn checks(db: &Db, payable: i64, receivable: i64) {
    let found = office::referral_checks::rewards(&mut db.clone())
        .await
        .unwrap();
    assert!(found.is_empty(), "{found:?}");
    let balance = |code: &str| {
        let db = db.clone();
        let code = code.to_owned();
        async move {
            let accounts = obryl::store::ledger::accounts(&mut db.clone())
                .await
                .unwrap();
            accounts
                .iter()
                .filter(|a| a.code == code && a.currency == "XOF")
                .map(|a| a.credits_posted - a.debits_posted)
                .sum::<i64>()
        }
    };
    assert_eq!(balance("referral_payable").await, payable);
    assert_eq!(-balance("referral_receivable").await, receivable);
}

#[tokio::test]
async fn a_refund_cancels_an_unpaid_reward_and_reverses_an_approved_ones_debt() {
    on_all!(|db| {
        fixtures::world(&db).await;
        referral(&db).await;
        let due = earn(&db, C_SMALL).await;
        let e = escrow(&db, 1).await;
        refund(&db, e).await;
        let w = reward(&db, due).await;
        assert_eq!(w.status, "cancelled");
        checks(&db, 0, 0).await;
    });
    on_all!(|db| {
        fixtures::world(&db).await;
        referral(&db).await;
        let id = earn(&db, C_SMALL).await;
        approve(&db, id).await;
        let amount = reward(&db, id).await.amount;
        assert_eq!(amount, 6_750);
        checks(&db, amount, 0).await;
        refund(&db, escrow(&db, 1).await).await;
        assert_eq!(reward(&db, id).await.status, "cancelled");
        checks(&db, 0, 0).await;
        // The referrer is told, in their notifications.
        let told = obryl::store::notifications::of_kind(
            &mut db.clone(),
            IDLE,
            "App\\Notifications\\ReferralRewardChanged",
        )
        .await
        .unwrap();
        assert_eq!(told.len(), 1);
    });
}

#[tokio::test]
async fn a_paid_reward_is_clawed_back_and_netted_from_the_next_payout() {
    on_all!(|db| {
        fixtures::world(&db).await;
        referral(&db).await;
        // A reward of 6 750 XOF approved and paid in a payout of its own.
        let small = earn(&db, C_SMALL).await;
        approve(&db, small).await;
        let paid = batch(&db).await;
        assert_eq!(
            paid.iter()
                .map(|p| (p.developer_id, p.amount))
                .collect::<Vec<_>>(),
            [(IDLE, 6_750)]
        );
        let w = reward(&db, small).await;
        assert_eq!(
            (w.status.as_str(), w.payout_id),
            ("paid", Some(paid[0].payment_id))
        );
        checks(&db, 0, 0).await;
        // The client is refunded: the referrer owes it back.
        refund(&db, escrow(&db, 1).await).await;
        assert_eq!(reward(&db, small).await.status, "clawed_back");
        checks(&db, 0, 6_750).await;
        // The next reward (15 000 XOF) leaves less what is owed back.
        let big = earn(&db, C_APPROVED).await;
        approve(&db, big).await;
        assert_eq!(reward(&db, big).await.amount, 15_000);
        checks(&db, 15_000, 6_750).await;
        let next = batch(&db).await;
        assert_eq!(
            next.iter().map(|p| p.amount).collect::<Vec<_>>(),
            [15_000 - 6_750]
        );
        let netted = reward(&db, small).await;
        assert_eq!(netted.recovered_payout_id, Some(next[0].payment_id));
        assert_eq!(reward(&db, big).await.status, "paid");
        checks(&db, 0, 0).await;
        let verified = office::escrow::verify(&mut db.clone()).await.unwrap();
        let payouts: Vec<_> = verified
            .discrepancies
            .iter()
            .filter(|d| d.check == "payout_transfers" || d.check.starts_with("referral"))
            .collect();
        assert!(payouts.is_empty(), "{payouts:?}");
        // The payout fails: the reward is owed again and so is the clawback.
        let awa = fixtures::actor(&db, AWA).await;
        service::payments::fail(
            &db,
            &awa,
            &Origin::cli(),
            next[0].payment_id,
            "account closed",
        )
        .await
        .unwrap();
        assert_eq!(reward(&db, big).await.status, "approved");
        assert_eq!(reward(&db, small).await.recovered_payout_id, None);
        checks(&db, 15_000, 6_750).await;
    });
}

#[tokio::test]
async fn rewards_alone_wait_for_the_smallest_payout_and_a_debt_larger_than_owed_waits() {
    on_all!(|db| {
        fixtures::world(&db).await;
        referral(&db).await;
        run_sql(
            &db,
            "DELETE FROM settings WHERE \"group\" = 'referrals' AND name = 'min_payout'",
        )
        .await;
        run_sql(
            &db,
            "INSERT INTO settings (\"group\", name, payload) VALUES ('referrals', 'min_payout', '{\"XOF\": 10000}')",
        )
        .await;
        let small = earn(&db, C_SMALL).await;
        approve(&db, small).await;
        // 6 750 XOF is below the smallest payout of 10 000: nothing leaves.
        assert!(batch(&db).await.is_empty());
        assert_eq!(reward(&db, small).await.status, "approved");
        checks(&db, 6_750, 0).await;
    });
}

/// The platform recorded a refund the provider is sending the client (a chargeback after the
/// project closed); finance confirming it claws the paid reward back.
#[tokio::test]
async fn a_confirmed_refund_payment_claws_back_the_projects_paid_reward() {
    on_all!(|db| {
        fixtures::world(&db).await;
        referral(&db).await;
        let id = earn(&db, C_APPROVED).await;
        approve(&db, id).await;
        assert_eq!(batch(&db).await.len(), 1);
        run_sql(
            &db,
            "INSERT INTO payment_transactions (project_id, provider, provider_reference, direction, amount, currency, status) \
             VALUES (6, 'wave', 'WAVE-CHARGEBACK-1', 'refund', 200000, 'XOF', 'pending')",
        )
        .await;
        let refund = obryl::store::payments::page(
            &mut db.clone(),
            &obryl::store::payments::Filter {
                directions: vec!["refund".into()],
                ..Default::default()
            },
            &obryl::store::Anchor::First,
            5,
        )
        .await
        .unwrap()
        .rows[0]
            .id;
        let awa = fixtures::actor(&db, AWA).await;
        service::payments::confirm(&db, &awa, &Origin::cli(), refund, "WAVE-RF-77")
            .await
            .unwrap();
        assert_eq!(reward(&db, id).await.status, "clawed_back");
        checks(&db, 0, 15_000).await;
    });
}
