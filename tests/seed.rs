//! The demo seed: deterministic, complete (every status the screens filter on), consistent
//! (four-eyes, ledger, escrows, SLA, workload capacity) and refused on a non-empty database.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use obryl::seed::{SeedOptions, Size, seed};
use obryl::service::ServiceError;
use obryl::store::Db;

fn anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

fn demo(seed_value: u64) -> SeedOptions {
    SeedOptions {
        size: Size::Demo,
        seed: seed_value,
        anchor: anchor(),
    }
}

async fn seeded(db: &Db, seed_value: u64) {
    let report = seed(db, &demo(seed_value), &|_, _, _| {})
        .await
        .expect("seed");
    assert!(
        report.rows.iter().any(|(t, n)| *t == "users" && *n > 50),
        "{:?}",
        report.rows
    );
}

/// Test-only SQL: the rows of a query, each as one string.
async fn strings(db: &Db, sql: &str) -> Vec<String> {
    match db {
        Db::Sqlite(p) => {
            sqlx::query_scalar::<_, Option<String>>(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_all(p)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
        Db::Postgres(p) => {
            sqlx::query_scalar::<_, Option<String>>(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_all(p)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
    }
    .into_iter()
    .map(Option::unwrap_or_default)
    .collect()
}

async fn count(db: &Db, sql: &str) -> i64 {
    let n = match db {
        Db::Sqlite(p) => {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_one(p)
                .await
        }
        Db::Postgres(p) => {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_one(p)
                .await
        }
    };
    n.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every row of a table, ordered by id, each rendered as text.
async fn dump(db: &Db, table: &str) -> Vec<String> {
    match db {
        Db::Sqlite(_) => {
            let cols = strings(
                db,
                &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
            )
            .await;
            let expr = cols
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            strings(db, &format!("SELECT {expr} FROM {table} ORDER BY id")).await
        }
        Db::Postgres(_) => strings(db, &format!("SELECT t::text FROM {table} t ORDER BY id")).await,
    }
}

async fn distinct(db: &Db, table: &str, column: &str) -> Vec<String> {
    strings(
        db,
        &format!("SELECT DISTINCT {column} FROM {table} ORDER BY {column}"),
    )
    .await
}

const DUMPED: [&str; 16] = [
    "users",
    "profiles",
    "projects",
    "reviews",
    "commissions",
    "ext_commissions",
    "support_tickets",
    "workload",
    "audit_logs",
    "ledger_accounts",
    "ledger_transfers",
    "escrows",
    "payment_transactions",
    "messages",
    "notifications",
    "webhook_events",
];

async fn same_data_twice(db1: Db, db2: Db) {
    seeded(&db1, 7).await;
    seeded(&db2, 7).await;
    for table in DUMPED {
        let (a, b) = (dump(&db1, table).await, dump(&db2, table).await);
        assert!(!a.is_empty(), "{table} is empty");
        assert_eq!(a.len(), b.len(), "{table}: row counts differ");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "{table} differs");
        }
    }
}

#[tokio::test]
async fn same_seed_and_anchor_give_identical_data() {
    {
        let (db1, _d1) = common::sqlite().await;
        let (db2, _d2) = common::sqlite().await;
        same_data_twice(db1, db2).await;
    }
    if let (Some(db1), Some(db2)) = (common::postgres().await, common::postgres().await) {
        same_data_twice(db1, db2).await;
    }
}

async fn every_status_present(db: &Db) {
    let want = |list: &[&str]| {
        let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        v.sort();
        v
    };
    assert_eq!(
        distinct(db, "projects", "status").await,
        want(&[
            "draft",
            "open",
            "assigned",
            "in_progress",
            "delivered",
            "revision_requested",
            "completed",
            "disputed",
            "cancelled"
        ])
    );
    assert_eq!(
        distinct(db, "commissions", "status").await,
        want(&["pending", "approved", "rejected", "paid", "cancelled"])
    );
    let ext = distinct(db, "ext_commissions", "status").await;
    for s in ["pending", "approved", "paid"] {
        assert!(
            ext.iter().any(|x| x == s),
            "ext_commissions lacks {s}: {ext:?}"
        );
    }
    assert_eq!(
        distinct(db, "support_tickets", "status").await,
        want(&["new", "open", "pending", "on_hold", "solved", "closed"])
    );
    assert_eq!(
        distinct(db, "support_tickets", "priority").await,
        want(&["low", "normal", "high", "urgent"])
    );
    assert_eq!(
        distinct(db, "support_tickets", "category").await,
        want(&["billing", "technical", "dispute", "account", "other"])
    );
    assert_eq!(
        distinct(db, "articles", "status").await,
        want(&["draft", "review", "published", "archived"])
    );

    // The approval queue: both finance accounts (ids 2 and 3) can decide these.
    let approvable = count(
        db,
        "SELECT COUNT(*) FROM commissions c JOIN projects p ON p.id = c.project_id \
         WHERE c.status = 'pending' AND c.requested_by NOT IN (2, 3) AND p.client_id NOT IN (2, 3) \
         AND COALESCE(p.developer_id, 0) NOT IN (2, 3) AND c.first_approved_by IS NULL",
    )
    .await;
    assert!(
        approvable >= 8,
        "only {approvable} pending commissions approvable by both finance accounts"
    );
    let big_untouched = count(db, "SELECT COUNT(*) FROM commissions WHERE status = 'pending' AND currency = 'XOF' AND amount > 2000000 AND first_approved_by IS NULL").await;
    assert!(
        big_untouched >= 2,
        "{big_untouched} pending above the dual-approval threshold"
    );
    let big_first = count(db, "SELECT COUNT(*) FROM commissions WHERE status = 'pending' AND amount > 2000000 AND first_approved_by = 3 AND first_approved_at IS NOT NULL").await;
    assert!(big_first >= 1);
    let small = count(
        db,
        "SELECT COUNT(*) FROM commissions WHERE status = 'pending' AND gross_amount < 2000000",
    )
    .await;
    assert!(small >= 3);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM commissions WHERE requested_by <> 7"
        )
        .await,
        0
    );

    // The tickets that test the terminal's hygiene are there.
    let hostile = count(db, "SELECT COUNT(*) FROM support_tickets WHERE subject LIKE '%owned%' AND subject LIKE '%rouge%'").await;
    assert_eq!(hostile, 1);
    let emoji = strings(
        db,
        "SELECT subject FROM support_tickets WHERE subject LIKE 'Paiement bloqu%'",
    )
    .await;
    assert!(
        emoji
            .iter()
            .any(|s| s.contains('💸') && s.contains("支付问题")),
        "{emoji:?}"
    );
}

#[tokio::test]
async fn every_status_and_the_approval_queue_are_present() {
    on_both!(|db| {
        seeded(&db, 7).await;
        every_status_present(&db).await;
    });
}

async fn ledger_balances(db: &Db) {
    let mut conn = db.clone();
    let totals = obryl::store::ledger::cached_totals(&mut conn)
        .await
        .expect("totals");
    assert!(totals.len() >= 2, "{totals:?}");
    for (currency, debits, credits, dp, cp) in &totals {
        assert_eq!(debits, credits, "{currency} posted");
        assert_eq!(dp, cp, "{currency} pending");
        assert!(*debits > 0, "{currency} has no transfers");
    }
    let drifted = obryl::store::ledger::drifted_accounts(&mut conn)
        .await
        .expect("drift");
    assert!(drifted.is_empty(), "{drifted:?}");
}

#[tokio::test]
async fn the_ledger_balances() {
    on_both!(|db| {
        seeded(&db, 7).await;
        ledger_balances(&db).await;
    });
}

/// Cross-table rules a reader of the demo relies on.
async fn consistent(db: &Db) {
    let none = [
        // people
        "SELECT COUNT(*) FROM users WHERE password NOT LIKE '$2y$12$%' OR length(password) <> 60",
        "SELECT COUNT(*) FROM users WHERE phone NOT LIKE '+%'",
        "SELECT COUNT(*) FROM projects WHERE developer_id = client_id",
        // developers only from assignment on, stamps follow the status
        "SELECT COUNT(*) FROM projects WHERE developer_id IS NOT NULL AND status IN ('draft', 'open')",
        "SELECT COUNT(*) FROM projects WHERE developer_id IS NULL AND status IN ('assigned', 'in_progress', 'delivered', 'revision_requested', 'completed', 'disputed')",
        "SELECT COUNT(*) FROM projects WHERE status = 'completed' AND (completed_at IS NULL OR started_at IS NULL OR delivered_at IS NULL)",
        "SELECT COUNT(*) FROM projects WHERE status = 'cancelled' AND cancelled_at IS NULL",
        "SELECT COUNT(*) FROM projects WHERE status <> 'cancelled' AND cancelled_at IS NOT NULL",
        "SELECT COUNT(*) FROM projects WHERE status IN ('draft', 'open') AND (assigned_at IS NOT NULL OR agreed_amount IS NOT NULL)",
        "SELECT COUNT(*) FROM projects WHERE status IN ('assigned', 'in_progress') AND starts_on IS NULL",
        "SELECT COUNT(*) FROM projects WHERE deadline_at IS NULL",
        "SELECT COUNT(*) FROM projects WHERE currency IN ('XOF', 'XAF') AND budget_amount % 5000 <> 0",
        // active projects per developer within the maximum
        "SELECT COUNT(*) FROM (SELECT p.developer_id FROM projects p WHERE p.status IN ('assigned', 'in_progress', 'delivered', 'revision_requested', 'disputed') GROUP BY p.developer_id HAVING COUNT(*) > 3) x",
        // reviews only on completed projects, between its two parties
        "SELECT COUNT(*) FROM reviews r JOIN projects p ON p.id = r.project_id WHERE p.status <> 'completed' \
         OR NOT ((r.reviewer_id = p.client_id AND r.reviewee_id = p.developer_id) OR (r.reviewer_id = p.developer_id AND r.reviewee_id = p.client_id))",
        // commissions: amounts, four-eyes, decision columns
        "SELECT COUNT(*) FROM commissions c JOIN projects p ON p.id = c.project_id WHERE c.gross_amount <> p.agreed_amount OR c.currency <> p.currency",
        "SELECT COUNT(*) FROM commissions WHERE rate_bps NOT IN (1200, 1500)",
        "SELECT COUNT(*) FROM commissions WHERE amount <> (gross_amount * rate_bps + 5000) / 10000",
        "SELECT COUNT(*) FROM commissions c JOIN projects p ON p.id = c.project_id WHERE c.approved_by IN (c.requested_by, p.client_id, COALESCE(p.developer_id, 0))",
        "SELECT COUNT(*) FROM commissions WHERE status IN ('approved', 'paid') AND (approved_by IS NULL OR approved_at IS NULL)",
        "SELECT COUNT(*) FROM commissions WHERE status = 'paid' AND (paid_at IS NULL OR payment_reference IS NULL OR ledger_transfer_id IS NULL)",
        "SELECT COUNT(*) FROM commissions WHERE status = 'rejected' AND (rejected_by IS NULL OR rejected_at IS NULL)",
        "SELECT COUNT(*) FROM commissions WHERE status = 'cancelled' AND cancelled_at IS NULL",
        "SELECT COUNT(*) FROM commissions WHERE status = 'pending' AND (approved_by IS NOT NULL OR rejected_by IS NOT NULL OR paid_at IS NOT NULL)",
        "SELECT COUNT(*) FROM commissions WHERE status IN ('approved', 'paid') AND amount > 2000000 AND currency IN ('XOF', 'XAF') AND first_approved_by IS NULL",
        "SELECT COUNT(*) FROM commissions c JOIN ledger_transfers t ON t.id = c.ledger_transfer_id JOIN ledger_accounts a ON a.id = t.credit_account_id \
         JOIN ledger_accounts d ON d.id = t.debit_account_id WHERE a.kind <> 'platform_revenue' OR d.kind <> 'escrow' OR t.amount <> c.amount OR t.project_id <> c.project_id",
        "SELECT COUNT(*) FROM commissions c JOIN projects p ON p.id = c.project_id WHERE c.status = 'paid' AND p.status <> 'completed'",
        // ext commissions never exceed the developer's share
        "SELECT COUNT(*) FROM projects p JOIN commissions c ON c.project_id = p.id AND c.status IN ('pending', 'approved', 'paid') \
         WHERE (SELECT COALESCE(SUM(e.amount), 0) FROM ext_commissions e WHERE e.project_id = p.id AND e.status IN ('pending', 'approved', 'paid')) > p.agreed_amount - c.amount",
        "SELECT COUNT(*) FROM ext_commissions WHERE status = 'paid' AND ledger_transfer_id IS NULL",
        // escrows add up and match the ledger
        "SELECT COUNT(*) FROM escrows WHERE amount_released + amount_refunded > amount_held",
        "SELECT COUNT(*) FROM escrows e WHERE e.amount_held <> (SELECT COALESCE(SUM(t.amount), 0) FROM ledger_transfers t WHERE t.project_id = e.project_id AND t.code = 4)",
        "SELECT COUNT(*) FROM escrows e WHERE e.amount_released <> (SELECT COALESCE(SUM(t.amount), 0) FROM ledger_transfers t WHERE t.project_id = e.project_id AND t.code IN (2, 3, 5, 12))",
        "SELECT COUNT(*) FROM escrows e WHERE e.status = 'held' AND (e.hold_transfer_id IS NULL OR e.amount_released > 0)",
        "SELECT COUNT(*) FROM ledger_transfers WHERE amount <= 0 OR debit_account_id = credit_account_id OR phase <> 'single'",
        "SELECT COUNT(*) FROM ledger_accounts WHERE code <> kind",
        // referral rewards never exceed the commission they come from
        "SELECT COUNT(*) FROM referral_rewards r JOIN commissions c ON c.id = r.commission_id WHERE r.amount > c.amount OR r.currency <> c.currency",
        "SELECT COUNT(*) FROM referrals WHERE referrer_id = referred_user_id",
        // tickets: SLA stamps from the priority's targets, stamps follow the status
        "SELECT COUNT(*) FROM support_tickets WHERE reference NOT LIKE 'TCK-20__-______'",
        "SELECT COUNT(*) FROM support_tickets WHERE status = 'pending' AND paused_since IS NULL",
        "SELECT COUNT(*) FROM support_tickets WHERE status <> 'pending' AND paused_since IS NOT NULL",
        "SELECT COUNT(*) FROM support_tickets WHERE status IN ('solved', 'closed') AND resolved_at IS NULL",
        "SELECT COUNT(*) FROM support_tickets WHERE status = 'closed' AND closed_at IS NULL",
        "SELECT COUNT(*) FROM support_tickets WHERE status IN ('pending', 'on_hold', 'solved', 'closed') AND (assignee_id IS NULL OR first_responded_at IS NULL)",
        "SELECT COUNT(*) FROM support_tickets WHERE assignee_id IS NOT NULL AND assignee_id NOT IN (4, 5)",
        // audit rows: JSON objects, an actor's type
        "SELECT COUNT(*) FROM audit_logs WHERE user_id IS NOT NULL AND user_type <> 'user'",
        "SELECT COUNT(*) FROM audit_logs WHERE url <> 'seed'",
        "SELECT COUNT(*) FROM model_has_roles WHERE model_type <> 'user'",
        "SELECT COUNT(*) FROM personal_access_tokens WHERE length(token) <> 64",
    ];
    for sql in none {
        assert_eq!(count(db, sql).await, 0, "{sql}");
    }
    // Workload: within each developer's weekly capacity, someone close to full.
    let over = count(
        db,
        "SELECT COUNT(*) FROM (SELECT w.developer_id, w.week_start, SUM(w.planned_hours) AS h, MAX(p.weekly_capacity_hours) AS cap \
         FROM workload w JOIN profiles p ON p.user_id = w.developer_id AND p.type = 'developer' \
         GROUP BY w.developer_id, w.week_start) x WHERE h > cap",
    )
    .await;
    assert_eq!(over, 0, "weeks over capacity");
    let full = count(db, "SELECT COUNT(*) FROM (SELECT developer_id FROM workload GROUP BY developer_id, week_start HAVING SUM(planned_hours) = 38) x").await;
    assert!(full >= 1);
    // Demo volumes.
    for (table, lo, hi) in [
        ("users", 55, 70),
        ("projects", 100, 140),
        ("commissions", 35, 70),
        ("support_tickets", 35, 45),
        ("audit_logs", 2_000, 3_200),
        ("messages", 200, 800),
    ] {
        let n = count(db, &format!("SELECT COUNT(*) FROM {table}")).await;
        assert!(
            (lo..=hi).contains(&n),
            "{table}: {n} rows, wanted {lo}..={hi}"
        );
    }
    // Staff accounts have unread notifications to look at.
    let unread = count(db, "SELECT COUNT(DISTINCT notifiable_id) FROM notifications WHERE read_at IS NULL AND notifiable_id <= 7").await;
    assert!(
        unread >= 5,
        "{unread} staff accounts with unread notifications"
    );
}

#[tokio::test]
async fn the_demo_is_consistent() {
    on_both!(|db| {
        seeded(&db, 7).await;
        consistent(&db).await;
    });
}

/// The seed can run in a spawned task (the TUI seeds its first demo database in one).
#[allow(dead_code)]
fn seeding_is_send(db: &Db, opts: &SeedOptions) {
    fn send<T: Send>(_: T) {}
    send(seed(db, opts, &|_, _, _| {}));
}

#[tokio::test]
async fn a_non_empty_database_is_refused() {
    on_both!(|db| {
        seeded(&db, 3).await;
        let again = seed(&db, &demo(3), &|_, _, _| {}).await;
        assert!(
            matches!(again, Err(ServiceError::AlreadySeeded)),
            "{:?}",
            again.err()
        );
    });
}
