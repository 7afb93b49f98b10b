//! Approving several referral rewards at once, each in its own transaction through the one
//! approval rule: on every backend the service approves the due ones, records a first approval
//! for a flagged one (and says why), refuses the held, decided and unknown ones without
//! blocking the others, each with its own audit row; the `:rewards` view marks rows with space
//! and approves them after one confirmation (count, totals per currency, the marked ones left
//! out and why), in French and English; `obryl referral reward approve ID ID …` answers per
//! id and exits 1 when any was refused.

mod common;

use chrono::{DateTime, Duration, Utc};
use obryl::domain::Locale;
use obryl::office::reward_approvals;
use obryl::service::referral_bulk::{self, Outcome};
use obryl::service::referral_decisions::Second;
use obryl::service::{self, Origin, ServiceError};
use obryl::store::commissions::Kind;
use obryl::store::referral_rewards::RewardRow;
use obryl::store::{Db, bulk, referral_rewards};
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;
use sea_query::Value;

use common::cli::{code, json, text};
use common::fixtures::{self, AWA, C_APPROVED, C_SMALL, CLIENT, IBRAHIMA, IDLE, KOFFI, MOUSSA};
use common::ui::{Harness, demo_db};

/// Code and referral `id`: `owner` brought `referred` at `at` (10 %, no caps).
async fn referral(db: &Db, id: i64, owner: i64, referred: i64, at: DateTime<Utc>) {
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
            Value::from(serde_json::json!({})),
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

async fn run_sql(db: &Db, sql: &'static str) {
    match db {
        Db::Sqlite(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
        Db::Postgres(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
        Db::MySql(p) => drop(sqlx::query(sql).execute(p).await.unwrap()),
    }
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Db::MySql(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

async fn rewards(db: &Db) -> Vec<RewardRow> {
    referral_rewards::list(&mut db.clone(), None, Utc::now(), 50)
        .await
        .unwrap()
}

/// The reward `referral` earned on `commission`.
fn reward(all: &[RewardRow], referral: i64, commission: i64) -> i64 {
    all.iter()
        .find(|r| r.referral_id == referral && r.commission_id == commission)
        .unwrap_or_else(|| panic!("a reward of referral {referral} on #{commission}: {all:?}"))
        .id
}

async fn approve_many(db: &Db, by: i64, ids: &[i64]) -> referral_bulk::BulkReport {
    let actor = fixtures::actor(db, by).await;
    referral_bulk::approve_many(db, &actor, &Origin::cli(), ids)
        .await
        .unwrap()
}

/// Four rewards: Idle (flagged referral) and Koffi each earn on two commissions; three are
/// due, the fourth still held, one of the due ones rejected.
#[tokio::test]
async fn each_reward_is_decided_on_its_own() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let signed_up = Utc::now() - Duration::days(3);
        referral(&db, 1, IDLE, CLIENT, signed_up).await;
        referral(&db, 2, KOFFI, MOUSSA, signed_up).await;
        let (awa, ibrahima) = (
            fixtures::actor(&db, AWA).await,
            fixtures::actor(&db, IBRAHIMA).await,
        );
        let o = Origin::cli();
        service::commissions::approve(&db, &awa, &o, Kind::Platform, C_SMALL, None)
            .await
            .unwrap();
        for (by, id) in [(&awa, C_APPROVED), (&ibrahima, C_SMALL)] {
            service::commissions::pay(&db, by, &o, Kind::Platform, id, "WAVE-1", None)
                .await
                .unwrap();
        }
        let all = rewards(&db).await;
        assert_eq!(all.len(), 4, "{all:?}");
        let flagged = reward(&all, 1, C_APPROVED);
        let due = reward(&all, 2, C_APPROVED);
        let rejected = reward(&all, 1, C_SMALL);
        let held = reward(&all, 2, C_SMALL);
        run_sql(
            &db,
            "UPDATE referrals SET flags = '[{\"code\":\"shared_phone\",\"evidence\":\"+221 77 000 00 00\"}]' WHERE id = 1",
        )
        .await;
        // Every reward of C_APPROVED and Idle's of C_SMALL are past their hold.
        let sql = "UPDATE referral_rewards SET due_at = created_at \
                   WHERE referral_id = 1 OR commission_id = 5";
        run_sql(&db, sql).await;
        service::referral_decisions::reject(&db, &awa, &o, rejected, "self-dealing")
            .await
            .unwrap();

        let asked = [flagged, due, rejected, held, 999_999, due];
        let report = approve_many(&db, AWA, &asked).await;
        let ids: Vec<i64> = report.results.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids,
            [flagged, due, rejected, held, 999_999],
            "each once, in order"
        );
        assert!(matches!(
            &report.results[0].1,
            Outcome::FirstOfTwo(Second::Flagged(why)) if why[0]["evidence"] == "+221 77 000 00 00"
        ));
        assert!(matches!(report.results[1].1, Outcome::Approved));
        assert!(matches!(
            &report.results[2].1,
            Outcome::Refused(ServiceError::AlreadyDecided { status, .. }) if status == "rejected"
        ));
        assert!(matches!(
            &report.results[3].1,
            Outcome::Refused(ServiceError::Invalid { .. })
        ));
        assert!(matches!(
            report.results[4].1,
            Outcome::Refused(ServiceError::NotFound { .. })
        ));
        let said = reward_approvals::summary(&report, Locale::En);
        assert!(said.starts_with("1 reward approved. 1 waits for a second approver (its referral is flagged: Shared phone: +221 77 000 00 00)."), "{said}");
        assert!(said.contains(" 3 refused: #"), "{said}");
        assert!(said.contains("lready rejected by"), "{said}");
        assert!(!said.contains(".;"), "{said}");

        // The first approver cannot give the second; another finance member can.
        let again = approve_many(&db, AWA, &[flagged]).await;
        assert!(matches!(
            again.results[0].1,
            Outcome::Refused(ServiceError::FourEyes(_))
        ));
        let second = approve_many(&db, IBRAHIMA, &[flagged]).await;
        assert!(matches!(second.results[0].1, Outcome::Approved));

        let now = rewards(&db).await;
        let status = |id: i64| now.iter().find(|r| r.id == id).unwrap().status.clone();
        assert_eq!(status(flagged), "approved");
        assert_eq!(status(due), "approved");
        assert_eq!(status(rejected), "rejected");
        assert_eq!(status(held), "held");
        // One audit row per decision: the first of two, then the two approvals.
        let audited = count(
            &db,
            "SELECT COUNT(*) FROM audit_logs WHERE auditable_type = 'referral_reward' \
             AND event IN ('approved', 'first_approved')",
        )
        .await;
        assert_eq!(audited, 3);
    });
}

/// Support may read rewards, not decide them: every one is refused, naming the permission.
#[tokio::test]
async fn without_the_permission_nothing_is_approved() {
    on_all!(|db| {
        fixtures::world(&db).await;
        referral(&db, 1, IDLE, CLIENT, Utc::now() - Duration::days(3)).await;
        let awa = fixtures::actor(&db, AWA).await;
        service::commissions::pay(
            &db,
            &awa,
            &Origin::cli(),
            Kind::Platform,
            C_APPROVED,
            "W",
            None,
        )
        .await
        .unwrap();
        run_sql(&db, "UPDATE referral_rewards SET due_at = created_at").await;
        let id = rewards(&db).await[0].id;
        let report = approve_many(&db, fixtures::FATOU, &[id]).await;
        match &report.results[0].1 {
            Outcome::Refused(e) => assert!(e.to_string().contains("referrals.manage"), "{e}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(rewards(&db).await[0].status, "pending");
    });
}

/// The demo's newest rewards, set up for a bulk approval: `due` past their hold, each of a
/// different referral (none flagged), then one still held (until 2099) and one already
/// approved. Returns (due ids, held id, approved id).
async fn stage(db: &Db, due: usize) -> (Vec<i64>, i64, i64) {
    let Db::Sqlite(pool) = db else {
        unreachable!("the demo is SQLite")
    };
    let newest: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, referral_id FROM referral_rewards ORDER BY id DESC")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut picked: Vec<(i64, i64)> = Vec::new();
    for r in &newest {
        if picked.len() < due && picked.iter().all(|p| p.1 != r.1) {
            picked.push(*r);
        }
    }
    assert_eq!(picked.len(), due, "the demo has rewards of {due} referrals");
    let others: Vec<i64> = newest
        .iter()
        .map(|r| r.0)
        .filter(|id| picked.iter().all(|p| p.0 != *id))
        .take(2)
        .collect();
    let (held, approved) = (others[0], others[1]);
    for (id, referral) in &picked {
        sqlx::query(
            "UPDATE referral_rewards SET status = 'pending', due_at = created_at, \
             first_approved_by = NULL, first_approved_at = NULL WHERE id = ?",
        )
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query("UPDATE referrals SET flags = '[]' WHERE id = ?")
            .bind(referral)
            .execute(pool)
            .await
            .unwrap();
    }
    sqlx::query(
        "UPDATE referral_rewards SET status = 'held', due_at = '2099-01-01 00:00:00' WHERE id = ?",
    )
    .bind(held)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("UPDATE referral_rewards SET status = 'approved' WHERE id = ?")
        .bind(approved)
        .execute(pool)
        .await
        .unwrap();
    (picked.iter().map(|p| p.0).collect(), held, approved)
}

async fn open_rewards(h: &mut Harness) {
    h.char(':').await;
    h.type_text("rewards").await;
    h.key(crossterm::event::KeyCode::Enter).await;
    h.pump_until("the rewards", |app| {
        !app.screens.rewards.list.rows.is_empty()
    })
    .await;
}

/// Toggles the mark of each row of `ids` with space, moving the cursor onto it with j / k.
async fn mark(h: &mut Harness, ids: &[i64]) {
    for id in ids {
        let rows = &h.app.screens.rewards.list.rows;
        let at = rows.iter().position(|r| r.id == *id).expect("a loaded row");
        let from = h.app.screens.rewards.list.cursor;
        let step = if at > from { 'j' } else { 'k' };
        for _ in 0..at.abs_diff(from) {
            h.char(step).await;
        }
        assert_eq!(
            h.app.screens.rewards.list.current().map(|r| r.id),
            Some(*id)
        );
        h.char(' ').await;
    }
}

/// "33 750 FCFA + 12,50 €" of these rewards, as the view says it.
fn totals(rows: &[RewardRow], ids: &[i64], locale: Locale) -> String {
    let mut by: std::collections::BTreeMap<&str, i64> = Default::default();
    for r in rows.iter().filter(|r| ids.contains(&r.id)) {
        *by.entry(r.currency.as_str()).or_default() += r.amount;
    }
    by.into_iter()
        .map(|(c, a)| obryl::office::format::money(a, c, locale))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// In English: two due rewards marked, counted with their totals on the info line; one
/// confirmation; both approved; the marks used up.
#[tokio::test]
async fn the_rewards_view_approves_the_marked_rewards() {
    let (db, _dir) = demo_db().await;
    let (due, _, _) = stage(&db, 2).await;
    let mut h = Harness::new(&db, "finance@obryl.test", Locale::En, TabId::Projects).await;
    open_rewards(&mut h).await;
    mark(&mut h, &due).await;
    assert_eq!(h.app.screens.rewards.list.selected.len(), 2);
    let rows = h.app.screens.rewards.list.rows.clone();
    let sum = totals(&rows, &due, Locale::En);
    let text = h.render(140, 30);
    let info = text.lines().nth(1).unwrap_or_default();
    assert!(info.contains(&format!("2 selected: {sum}")), "{info}");
    assert!(text.contains("approve the marked"), "{text}");
    h.char('a').await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        panic!("one confirmation")
    };
    assert_eq!(
        question,
        &format!("Approve the 2 marked rewards, each on its own ({sum})?")
    );
    h.char('y').await;
    h.pump_until("the approvals", |app| app.toast.is_some())
        .await;
    let said = h.app.toast.take().unwrap();
    assert_eq!(said.level, Level::Success, "{}", said.text);
    assert_eq!(said.text, "2 rewards approved.");
    for id in &due {
        let r = referral_rewards::get(&mut db.clone(), *id, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.status, "approved");
    }
    assert!(h.app.screens.rewards.list.selected.is_empty());
}

/// In French: the held and the decided ones are left out before the question, which counts
/// and totals only the due ones; the flagged one waits for a second approver and the toast
/// says why. Marking only rewards that cannot be approved is refused at once.
#[tokio::test]
async fn the_rewards_view_says_what_is_left_out_before_asking() {
    let (db, _dir) = demo_db().await;
    let (due, held, approved) = stage(&db, 2).await;
    let Db::Sqlite(pool) = &db else {
        unreachable!()
    };
    sqlx::query(
        "UPDATE referrals SET flags = '[{\"code\":\"shared_phone\",\"evidence\":\"+221 77 000 00 00\"}]' \
         WHERE id = (SELECT referral_id FROM referral_rewards WHERE id = ?)",
    )
    .bind(due[1])
    .execute(pool)
    .await
    .unwrap();
    let mut h = Harness::new(&db, "finance@obryl.test", Locale::Fr, TabId::Projects).await;
    open_rewards(&mut h).await;

    mark(&mut h, &[held, approved]).await;
    h.char('a').await;
    assert!(h.app.popup.is_none(), "refused before any question");
    let said = h.app.toast.take().unwrap();
    assert_eq!(said.level, Level::Error, "{}", said.text);
    assert!(
        said.text
            .starts_with("Aucune des 2 récompenses marquées ne peut être approuvée : "),
        "{}",
        said.text
    );
    assert!(
        said.text.contains(&format!("n° {held} retenue jusqu'au")),
        "{}",
        said.text
    );
    assert!(
        said.text.contains(&format!("n° {approved} déjà approuvée")),
        "{}",
        said.text
    );
    mark(&mut h, &[held, approved]).await;
    assert!(h.app.screens.rewards.list.selected.is_empty(), "unmarked");

    mark(&mut h, &[due[0], due[1], held, approved]).await;
    let rows = h.app.screens.rewards.list.rows.clone();
    let sum = totals(&rows, &due, Locale::Fr);
    h.char('a').await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        panic!("one confirmation")
    };
    assert!(
        question.starts_with(&format!(
            "Approuver les 2 récompenses marquées, chacune séparément ({sum}) ? 2 récompenses marquées sont écartées : "
        )),
        "{question}"
    );
    h.char('o').await;
    h.pump_until("the approvals", |app| app.toast.is_some())
        .await;
    let said = h.app.toast.take().unwrap();
    assert_eq!(said.level, Level::Success, "{}", said.text);
    assert_eq!(
        said.text,
        "1 récompense approuvée. 1 attend un second approbateur (son parrainage est signalé : Téléphone partagé : +221 77 000 00 00)."
    );
    let status = |id: i64| {
        let db = db.clone();
        async move {
            referral_rewards::get(&mut db.clone(), id, Utc::now())
                .await
                .unwrap()
                .unwrap()
                .status
        }
    };
    assert_eq!(status(due[0]).await, "approved");
    assert_eq!(status(due[1]).await, "pending", "a first approval only");
    assert_eq!(status(held).await, "held");
    assert_eq!(status(approved).await, "approved");
}

/// `obryl referral reward approve ID ID …`: one result per id in JSON, exit 1 when any was
/// refused with the summary on stderr; exit 0 when all went through; support is refused.
#[tokio::test]
async fn several_rewards_from_the_command_line() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    let (due, held, _) = stage(&db, 4).await;
    let run = |who: &str, args: &[&str]| {
        let mut all = vec!["--as", who, "referral", "reward", "approve"];
        all.extend_from_slice(args);
        common::cli::obryl(&path, &all)
    };
    let (a, b, held_id) = (due[0].to_string(), due[1].to_string(), held.to_string());

    let o = run("support@obryl.test", &[&a, &b]);
    assert_eq!(code(&o), Some(1), "{}", text(&o));
    assert!(text(&o).contains("referrals.manage"), "{}", text(&o));

    let o = run(
        "finance@obryl.test",
        &[&a, &held_id, "999999", &b, "--json"],
    );
    assert_eq!(code(&o), Some(1), "{}", text(&o));
    let out = json(&o);
    let list = out.as_array().unwrap();
    assert_eq!(list.len(), 4, "{out}");
    assert_eq!(list[0]["id"], due[0]);
    assert_eq!(list[0]["outcome"], "approved");
    assert_eq!(list[1]["id"], held);
    assert_eq!(list[1]["outcome"], "refused");
    assert_eq!(list[1]["code"], "service.invalid");
    assert!(
        list[1]["message"]
            .as_str()
            .unwrap()
            .contains("on hold until"),
        "{out}"
    );
    assert_eq!(list[2]["outcome"], "refused");
    assert_eq!(list[2]["code"], "service.not_found");
    assert_eq!(list[3]["outcome"], "approved");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("2 rewards approved. 2 refused: #"),
        "{stderr}"
    );

    // One id: the one object, as before; a decided one exits 1.
    let o = run("finance@obryl.test", &[&a, "--json"]);
    assert_eq!(code(&o), Some(1), "{}", text(&o));
    assert!(text(&o).contains("lready approved by"), "{}", text(&o));

    let (c, d) = (due[2].to_string(), due[3].to_string());
    let o = run("finance@obryl.test", &[&c, &d]);
    assert_eq!(code(&o), Some(0), "{}", text(&o));
    let said = text(&o);
    assert!(
        said.contains(&format!("Reward #{c} approved."))
            && said.contains(&format!("Reward #{d} approved.")),
        "{said}"
    );

    let o = run("finance@obryl.test", &[]);
    assert_eq!(code(&o), Some(2), "an id is needed: {}", text(&o));
}
