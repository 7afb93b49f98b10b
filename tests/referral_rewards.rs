//! Referral rewards from money that moved, on every backend: paying a referred party's
//! platform commission earns its referrer a held reward in the same transaction (rate × the
//! commission rounded down, capped, one per referral × commission even when two payments
//! race), none outside the attribution window or to a party of the project, pending approval
//! once the hold has passed; approved by finance (two approvers for a flagged referral, the
//! first told why), or rejected with a reason.

mod common;

use chrono::{DateTime, Duration, Utc};
use obryl::service::{self, Origin};
use obryl::store::commissions::Kind;
use obryl::store::referral_rewards::RewardRow;
use obryl::store::{Db, bulk, referral_rewards};
use sea_query::Value;

use common::fixtures::{self, AWA, C_APPROVED, C_SMALL, CLIENT, FATOU, IBRAHIMA, IDLE, MOUSSA};
use obryl::service::referral_decisions::{Approval, Second};

/// A code of `owner` and the referral it made of `referred` at `at`.
async fn referral(db: &Db, owner: i64, referred: i64, at: DateTime<Utc>, caps: serde_json::Value) {
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
            1.into(),
            owner.into(),
            "IDLE-2026".into(),
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
            1.into(),
            1.into(),
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

async fn pay(db: &Db, by: i64) -> Result<i64, service::ServiceError> {
    pay_commission(db, by, C_APPROVED).await
}

async fn pay_commission(db: &Db, by: i64, id: i64) -> Result<i64, service::ServiceError> {
    let actor = fixtures::actor(db, by).await;
    service::commissions::pay(
        db,
        &actor,
        &Origin::cli(),
        Kind::Platform,
        id,
        "WAVE-2026-0042",
        None,
    )
    .await
}

async fn rewards(db: &Db, status: Option<&str>, now: DateTime<Utc>) -> Vec<RewardRow> {
    referral_rewards::list(&mut db.clone(), status, now, 50)
        .await
        .unwrap()
}

async fn commission(db: &Db) -> i64 {
    obryl::store::commissions::get(&mut db.clone(), Kind::Platform, C_APPROVED)
        .await
        .unwrap()
        .unwrap()
        .amount
}

#[tokio::test]
async fn a_paid_commission_earns_a_held_reward_then_it_is_due() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let signed_up = Utc::now() - Duration::days(40);
        referral(&db, IDLE, CLIENT, signed_up, serde_json::json!({})).await;
        let before = Utc::now();
        pay(&db, AWA).await.unwrap();
        let after = Utc::now();
        let platform = commission(&db).await;
        let held = rewards(&db, Some("held"), after).await;
        assert_eq!(held.len(), 1, "{held:?}");
        let r = &held[0];
        // 10 % of the platform's commission, rounded down to the franc.
        assert_eq!(r.amount, platform * 1000 / 10_000);
        assert_eq!((r.currency.as_str(), r.referrer_id), ("XOF", IDLE));
        let due = r.due_at.unwrap();
        assert!(due >= before + Duration::days(30) && due <= after + Duration::days(30));
        // Nothing is pending while the hold runs; once it has passed the reward is.
        assert!(rewards(&db, Some("pending"), after).await.is_empty());
        let later = due + Duration::seconds(1);
        let pending = rewards(&db, Some("pending"), later).await;
        assert_eq!(pending.iter().map(|r| r.id).collect::<Vec<_>>(), [r.id]);
        assert_eq!(pending[0].status, "pending");
        assert!(rewards(&db, Some("held"), later).await.is_empty());
    });
}

#[tokio::test]
async fn caps_bind_to_the_franc() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let caps = serde_json::json!({"XOF": {"per_reward": 12_345, "per_referral": 50_000}});
        referral(&db, IDLE, CLIENT, Utc::now() - Duration::days(3), caps).await;
        pay(&db, AWA).await.unwrap();
        let all = rewards(&db, None, Utc::now()).await;
        assert_eq!(all.iter().map(|r| r.amount).collect::<Vec<_>>(), [12_345]);
    });
}

#[tokio::test]
async fn no_reward_outside_the_window_or_to_a_party_of_the_project() {
    on_all!(|db| {
        fixtures::world(&db).await;
        // Signed up 13 months ago: the 12-month window has closed.
        referral(
            &db,
            IDLE,
            CLIENT,
            Utc::now() - Duration::days(400),
            serde_json::json!({}),
        )
        .await;
        pay(&db, AWA).await.unwrap();
        assert!(rewards(&db, None, Utc::now()).await.is_empty());
    });
    on_all!(|db| {
        fixtures::world(&db).await;
        // The developer brought the client: he earns nothing on his own project.
        referral(
            &db,
            MOUSSA,
            CLIENT,
            Utc::now() - Duration::days(3),
            serde_json::json!({}),
        )
        .await;
        pay(&db, AWA).await.unwrap();
        assert!(rewards(&db, None, Utc::now()).await.is_empty());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_payments_racing_earn_one_reward() {
    on_all!(|db| {
        fixtures::world(&db).await;
        referral(
            &db,
            IDLE,
            CLIENT,
            Utc::now() - Duration::days(3),
            serde_json::json!({}),
        )
        .await;
        let (a, b) = tokio::join!(pay(&db, AWA), pay(&db, IBRAHIMA));
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{a:?} {b:?}"
        );
        assert_eq!(rewards(&db, None, Utc::now()).await.len(), 1);
    });
}

/// A change behind the service's back, as the platform (or time) would make it.
async fn run_sql(db: &Db, sql: &'static str) {
    match db {
        Db::Sqlite(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
        Db::Postgres(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
        Db::MySql(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
    }
}

/// Two commissions of the same referred client paid at once: their rewards take turns on the
/// referral, so together they stay within its cap.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_commissions_paid_at_once_stay_within_the_referral_cap() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        service::commissions::approve(&db, &awa, &Origin::cli(), Kind::Platform, C_SMALL, None)
            .await
            .unwrap();
        let caps = serde_json::json!({"XOF": {"per_referral": 16_000}});
        referral(&db, IDLE, CLIENT, Utc::now() - Duration::days(3), caps).await;
        let (a, b) = tokio::join!(
            pay_commission(&db, AWA, C_APPROVED),
            pay_commission(&db, IBRAHIMA, C_SMALL)
        );
        a.unwrap();
        b.unwrap();
        let all = rewards(&db, None, Utc::now()).await;
        let total: i64 = all.iter().map(|r| r.amount).sum();
        assert_eq!(total, 16_000, "{all:?}");
    });
}

/// Marks the referral flagged, as recording it would: a shared phone.
async fn flag(db: &Db) {
    let sql = "UPDATE referrals SET flags = '[{\"code\":\"shared_phone\",\"evidence\":\"+221 77 000 00 00\"}]' WHERE id = 1";
    run_sql(db, sql).await;
}

/// Pays the commission, then lets the hold pass (the reward's due time moved to the past).
async fn due_reward(db: &Db) -> i64 {
    referral(
        db,
        IDLE,
        CLIENT,
        Utc::now() - Duration::days(3),
        serde_json::json!({}),
    )
    .await;
    pay(db, AWA).await.unwrap();
    let sql = "UPDATE referral_rewards SET due_at = created_at WHERE id = 1";
    run_sql(db, sql).await;
    rewards(db, Some("pending"), Utc::now()).await[0].id
}

async fn approve(db: &Db, by: i64, id: i64) -> Result<Approval, service::ServiceError> {
    let actor = fixtures::actor(db, by).await;
    service::referral_decisions::approve(db, &actor, &Origin::cli(), id).await
}

#[tokio::test]
async fn a_due_reward_is_approved_a_held_one_is_not() {
    on_all!(|db| {
        fixtures::world(&db).await;
        referral(
            &db,
            IDLE,
            CLIENT,
            Utc::now() - Duration::days(3),
            serde_json::json!({}),
        )
        .await;
        pay(&db, AWA).await.unwrap();
        let id = rewards(&db, None, Utc::now()).await[0].id;
        // Still in its hold: refused with the day it ends, nothing written.
        let held = approve(&db, IBRAHIMA, id).await.unwrap_err();
        assert!(held.to_string().contains("referral_reward"), "{held}");
        assert_eq!(rewards(&db, Some("held"), Utc::now()).await.len(), 1);
    });
    on_all!(|db| {
        fixtures::world(&db).await;
        let id = due_reward(&db).await;
        // Support may read rewards, not decide them: the permission is named.
        let refused = approve(&db, FATOU, id).await.unwrap_err();
        assert!(
            refused.to_string().contains("referrals.manage"),
            "{refused}"
        );
        assert_eq!(
            approve(&db, IBRAHIMA, id).await.unwrap(),
            Approval::Approved
        );
        let again = approve(&db, AWA, id).await.unwrap_err();
        assert!(again.to_string().contains("already approved by"), "{again}");
        assert_eq!(rewards(&db, Some("approved"), Utc::now()).await.len(), 1);
    });
}

#[tokio::test]
async fn a_flagged_reward_needs_a_second_approver_and_says_why() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let id = due_reward(&db).await;
        flag(&db).await;
        match approve(&db, AWA, id).await.unwrap() {
            Approval::FirstOfTwo(Second::Flagged(why)) => {
                assert_eq!(why.len(), 1);
                assert_eq!(why[0]["code"], "shared_phone");
                assert_eq!(why[0]["evidence"], "+221 77 000 00 00");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(rewards(&db, Some("pending"), Utc::now()).await.len(), 1);
        let same = approve(&db, AWA, id).await.unwrap_err();
        assert!(matches!(same, service::ServiceError::FourEyes(_)), "{same}");
        assert_eq!(
            approve(&db, IBRAHIMA, id).await.unwrap(),
            Approval::Approved
        );
    });
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_ends_the_reward() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let id = due_reward(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        let empty = service::referral_decisions::reject(&db, &awa, &Origin::cli(), id, "  ")
            .await
            .unwrap_err();
        assert!(empty.to_string().contains("reason"), "{empty}");
        service::referral_decisions::reject(&db, &awa, &Origin::cli(), id, "self-dealing")
            .await
            .unwrap();
        assert_eq!(rewards(&db, Some("rejected"), Utc::now()).await.len(), 1);
        let late = approve(&db, IBRAHIMA, id).await.unwrap_err();
        assert!(late.to_string().contains("already rejected by"), "{late}");
    });
}

async fn open_rewards(h: &mut common::ui::Harness) {
    h.char(':').await;
    h.type_text("rewards").await;
    h.key(crossterm::event::KeyCode::Enter).await;
    h.pump_until("the rewards", |app| {
        !app.screens.rewards.list.rows.is_empty()
    })
    .await;
}

/// Moves the cursor to the first row of `status`; returns its id.
async fn to_first(h: &mut common::ui::Harness, status: &str) -> i64 {
    to_first_where(h, status, |_| true).await
}

fn flagged(r: &RewardRow) -> bool {
    r.flags
        .as_ref()
        .and_then(|f| f.as_array())
        .is_some_and(|a| !a.is_empty())
}

/// Moves the cursor to the first row of `status` that `pick` takes; returns its id.
async fn to_first_where(
    h: &mut common::ui::Harness,
    status: &str,
    pick: fn(&RewardRow) -> bool,
) -> i64 {
    let rows = h.app.screens.rewards.list.rows.clone();
    let at = rows
        .iter()
        .position(|r| r.status == status && pick(r))
        .unwrap_or_else(|| panic!("a {status} reward in the demo"));
    for _ in 0..at {
        h.char('j').await;
    }
    rows[at].id
}

/// The `:rewards` view on the demo: support is refused with the permission named; finance (in
/// French) is refused a held reward with the day its hold ends, and approves a due one after
/// a confirmation naming the amount and the referrer; its referral is flagged, so a second
/// finance member's approval completes it.
#[tokio::test]
async fn the_rewards_view_approves_a_due_reward_and_refuses_a_held_one() {
    use common::ui::{Harness, demo_db};
    use obryl::domain::Locale;
    use obryl::ui::popup::Popup;
    use obryl::ui::screens::TabId;
    use obryl::ui::widgets::toast::Level;

    let (db, _dir) = demo_db().await;
    let mut s = Harness::new(&db, "support@obryl.test", Locale::En, TabId::Projects).await;
    open_rewards(&mut s).await;
    let text = s.render(140, 30);
    assert!(
        text.contains("Referral rewards") && text.contains("Referrer"),
        "{text}"
    );
    s.char('a').await;
    assert!(s.app.popup.is_none());
    let toast = s.app.toast.as_ref().expect("a refusal");
    assert_eq!(toast.level, Level::Error);
    assert!(toast.text.contains("referrals.manage"), "{}", toast.text);

    let mut f = Harness::new(&db, "finance@obryl.test", Locale::Fr, TabId::Projects).await;
    open_rewards(&mut f).await;
    to_first(&mut f, "held").await;
    f.char('a').await;
    assert!(f.app.popup.is_none(), "refused before any question");
    let toast = f.app.toast.take().expect("a refusal");
    assert!(toast.text.contains("retenue jusqu'au"), "{}", toast.text);

    let mut f = Harness::new(&db, "finance@obryl.test", Locale::Fr, TabId::Projects).await;
    open_rewards(&mut f).await;
    let id = to_first_where(&mut f, "pending", flagged).await;
    f.char('a').await;
    match &f.app.popup {
        Some(Popup::Confirm { question, .. }) => {
            assert!(question.contains("Approuver la récompense"), "{question}")
        }
        _ => panic!("a confirmation"),
    }
    f.char('o').await;
    f.pump_until("the approval", |app| app.toast.is_some())
        .await;
    let said = f.app.toast.take().unwrap();
    assert_eq!(said.level, Level::Success, "{}", said.text);
    // The demo's due reward comes from a flagged referral: the first approval says why a
    // second, different approver is needed, and that one approves it.
    assert!(
        said.text.contains("son parrainage est signalé"),
        "{}",
        said.text
    );
    let mut second = Harness::new(&db, "finance2@obryl.test", Locale::En, TabId::Projects).await;
    open_rewards(&mut second).await;
    assert_eq!(to_first_where(&mut second, "pending", flagged).await, id);
    second.char('a').await;
    second.char('y').await;
    second
        .pump_until("the second approval", |app| app.toast.is_some())
        .await;
    let said = second.app.toast.take().unwrap();
    assert_eq!(said.level, Level::Success, "{}", said.text);
    let now = referral_rewards::get(&mut db.clone(), id, Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.status, "approved");
}
