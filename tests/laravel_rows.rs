//! Rows the platform writes the way Eloquent does (times as `Y-m-d H:i:s` text in UTC) among
//! the back-office's own, on every backend: the oldest-first commission queue, its keyset pages
//! and the audit log's date filter list them by their real time, and the daily rollup counts
//! the platform's ticket on its day. On SQLite, the migration that
//! brought the platform's form rewrites the RFC 3339 text the back-office wrote before.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::fixtures::{self, CLIENT, REQUESTER};
use obryl::store::audit::{self, AuditFilter, NewAudit};
use obryl::store::commissions::{self, Filter, Kind, Sort};
use obryl::store::{Anchor, Backend, Db, Tx, bulk};
use sea_query::Value;

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, h, m, s).unwrap()
}

/// What Laravel's connection does first on PostgreSQL: times without a zone are UTC.
async fn eloquent(tx: &mut Tx, db: &Db, sql: &str) {
    if db.backend() == Backend::Postgres {
        tx.exec_sql("SET LOCAL TIME ZONE 'UTC'", Vec::new())
            .await
            .unwrap();
    }
    tx.exec_sql(sql, Vec::new()).await.unwrap();
}

async fn rows_in_time_order(db: &Db) {
    fixtures::world(db).await;
    // The back-office's own pending commissions of that day (on the fixture's projects that
    // have none), written through the store.
    let mut tx = db.begin().await.unwrap();
    let ours = [(101, 7i64, at(7, 57, 0)), (103, 8, at(16, 11, 59))];
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
            "created_at",
            "updated_at",
        ],
        ours.iter()
            .map(|(id, project, t)| {
                let v = |x: Value| x;
                vec![
                    v((*id).into()),
                    v((*project).into()),
                    v(100_000i64.into()),
                    v(1500i64.into()),
                    v(15_000i64.into()),
                    v("XOF".into()),
                    v("pending".into()),
                    v(REQUESTER.into()),
                    v((*t).into()),
                    v((*t).into()),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    // The platform's, as Eloquent inserts it: text times, the columns it leaves null.
    eloquent(
        &mut tx,
        db,
        &format!(
            "INSERT INTO commissions (id, project_id, gross_amount, rate_bps, amount, currency, \
             status, requested_by, created_at, updated_at) VALUES (104, 5, 200000, 1500, 30000, \
             'XOF', 'pending', {REQUESTER}, '2026-12-05 16:22:58', '2026-12-05 16:22:58')"
        ),
    )
    .await;
    // Audit rows: the back-office's at 09:30 and 16:11:59, the platform's at 16:22:58.
    for (event, t) in [("ours_early", at(9, 30, 0)), ("ours_late", at(16, 11, 59))] {
        audit::insert(
            &mut tx,
            &NewAudit {
                user_id: None,
                event,
                auditable_type: "commission",
                auditable_id: 101,
                old_values: serde_json::json!({}),
                new_values: serde_json::json!({}),
                url: None,
                ip_address: None,
                user_agent: None,
                tags: None,
                now: t,
            },
        )
        .await
        .unwrap();
    }
    eloquent(
        &mut tx,
        db,
        "INSERT INTO audit_logs (event, auditable_type, auditable_id, old_values, new_values, \
         created_at, updated_at) VALUES ('platform', 'commission', 104, '{}', '{}', \
         '2026-12-05 16:22:58', '2026-12-05 16:22:58')",
    )
    .await;
    // Tickets: one of ours in the morning, the platform's a second before midnight (UTC).
    bulk::insert_rows(
        &mut tx,
        "support_tickets",
        &[
            "id",
            "reference",
            "requester_id",
            "subject",
            "status",
            "created_at",
            "updated_at",
        ],
        vec![vec![
            201.into(),
            "TCK-2026-000201".into(),
            CLIENT.into(),
            "Facture".into(),
            "new".into(),
            at(9, 0, 0).into(),
            at(9, 0, 0).into(),
        ]],
    )
    .await
    .unwrap();
    eloquent(
        &mut tx,
        db,
        &format!(
            "INSERT INTO support_tickets (id, reference, requester_id, subject, status, \
             created_at, updated_at) VALUES (202, 'TCK-2026-000202', {CLIENT}, 'Retrait', 'new', \
             '2026-12-05 23:59:59', '2026-12-05 23:59:59')"
        ),
    )
    .await;
    tx.commit().await.unwrap();

    // The oldest-first queue: that day's rows by their time, the platform's last.
    let filter = Filter {
        statuses: vec!["pending".into()],
        ..Filter::default()
    };
    let mut c = db.clone();
    let all = commissions::page(
        &mut c,
        Kind::Platform,
        &filter,
        Sort::Oldest,
        &Anchor::First,
        100,
    )
    .await
    .unwrap();
    let day: Vec<i64> = all
        .rows
        .iter()
        .map(|r| r.id)
        .filter(|id| (101..=104).contains(id))
        .collect();
    assert_eq!(day, [101, 103, 104]);
    // Page by page (keyset, two rows each), the same order and nothing skipped.
    let mut seen = Vec::new();
    let mut anchor = Anchor::First;
    loop {
        let page = commissions::page(&mut c, Kind::Platform, &filter, Sort::Oldest, &anchor, 2)
            .await
            .unwrap();
        let Some(last) = page.rows.last() else { break };
        anchor = Anchor::After(Sort::Oldest.cursor(last));
        seen.extend(page.rows.iter().map(|r| r.id));
        if !page.has_after {
            break;
        }
    }
    assert_eq!(seen, all.rows.iter().map(|r| r.id).collect::<Vec<_>>());
    let platform = all.rows.iter().find(|r| r.id == 104).unwrap();
    assert_eq!(platform.created_at, Some(at(16, 22, 58)), "read as UTC");

    // The audit log between 16:00 and 16:30: ours at 16:11:59 and the platform's, newest first.
    let f = AuditFilter {
        auditable_type: Some("commission".into()),
        from: Some(at(16, 0, 0)),
        to: Some(at(16, 30, 0)),
        ..AuditFilter::default()
    };
    let page = audit::page(&mut c, &f, &Anchor::First, 50).await.unwrap();
    let events: Vec<&str> = page.rows.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(events, ["platform", "ours_late"]);

    // The daily rollup: both tickets were opened on the 5th, the platform's included.
    let cells = obryl::store::analytics::recompute_daily(db).await.unwrap();
    let opened: i64 = cells
        .iter()
        .filter(|c| c.period == "2026-12-05" && c.metric == "tickets_opened")
        .map(|c| c.value)
        .sum();
    assert_eq!(opened, 2, "{cells:?}");
}

#[tokio::test]
async fn eloquent_rows_list_by_their_real_time() {
    on_all!(|db| rows_in_time_order(&db).await);
}

/// A SQLite database the back-office wrote before: migrated up to 0035, a row with RFC 3339
/// text; migrating rewrites it in the platform's form, its time unchanged.
#[tokio::test]
async fn sqlite_times_written_before_are_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let pool = sqlx::SqlitePool::connect(&format!("{url}?mode=rwc"))
        .await
        .unwrap();
    let mut before = obryl::store::migrations::sqlite();
    before.migrations.to_mut().retain(|m| m.version < 36);
    before.run(&pool).await.unwrap();
    sqlx::query(
        "INSERT INTO audit_logs (event, auditable_type, auditable_id, old_values, new_values, \
         created_at) VALUES ('old', 'user', 1, '{}', '{}', '2026-12-05T16:11:59.250+00:00')",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let Db::Sqlite(pool) = &db else {
        unreachable!()
    };
    let (text,): (String,) =
        sqlx::query_as("SELECT created_at FROM audit_logs WHERE event = 'old'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(text, "2026-12-05 16:11:59.250");
    // Still append-only.
    let update = sqlx::query("UPDATE audit_logs SET event = 'changed'")
        .execute(pool)
        .await;
    assert!(update.is_err());
}
