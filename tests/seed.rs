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
        Db::MySql(p) => {
            let sql = obryl::store::mysql::casts(sql);
            sqlx::query_scalar::<_, Option<String>>(sqlx::AssertSqlSafe(sql.clone()))
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
        Db::MySql(p) => {
            // MySQL's `/` divides exactly; `DIV` is the integer division the others do.
            let sql = sql.replace(") / ", ") DIV ");
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
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
        Db::MySql(_) => {
            let cols = strings(
                db,
                &format!(
                    "SELECT CAST(column_name AS CHAR) FROM information_schema.columns \
                     WHERE table_schema = DATABASE() AND table_name = '{table}' \
                     ORDER BY ordinal_position"
                ),
            )
            .await;
            let expr = cols
                .iter()
                .map(|c| format!("QUOTE(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(", ");
            strings(
                db,
                &format!("SELECT CONCAT_WS('|', {expr}) FROM {table} ORDER BY id"),
            )
            .await
        }
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
    if let (Some(db1), Some(db2)) = (common::mysql().await, common::mysql().await) {
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
    on_all!(|db| {
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
    let recount = obryl::store::ledger::recount(&mut conn)
        .await
        .expect("recount");
    let drifted = obryl::store::ledger::drifted_accounts(&mut conn, &recount)
        .await
        .expect("drift");
    assert!(drifted.is_empty(), "{drifted:?}");
}

#[tokio::test]
async fn the_ledger_balances() {
    on_all!(|db| {
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
        "SELECT COUNT(*) FROM ledger_accounts WHERE code <> kind AND NOT (code = 'referral_receivable' AND kind = 'referral_payable')",
        // referral rewards never exceed the commission they come from
        "SELECT COUNT(*) FROM referral_rewards r JOIN commissions c ON c.id = r.commission_id WHERE r.amount > c.amount OR r.currency <> c.currency",
        "SELECT COUNT(*) FROM referrals WHERE referrer_id = referred_user_id",
        // a code's uses are its referrals; every referral's flags were computed after it
        "SELECT COUNT(*) FROM referral_codes k WHERE k.uses <> (SELECT COUNT(*) FROM referrals r WHERE r.referral_code_id = k.id)",
        "SELECT COUNT(*) FROM referrals WHERE flags_checked_at IS NULL OR flags_checked_at < created_at",
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
    // Demo volumes (the users include the eleven accounts of a referral code's burst).
    for (table, lo, hi) in [
        ("users", 55, 75),
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
    on_all!(|db| {
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
    on_all!(|db| {
        seeded(&db, 3).await;
        let again = seed(&db, &demo(3), &|_, _, _| {}).await;
        assert!(
            matches!(again, Err(ServiceError::AlreadySeeded)),
            "{:?}",
            again.err()
        );
    });
}

/// Columns that hold a time to come on purpose: deadlines, SLA targets, expiries and retries
/// are scheduled, not history.
fn scheduled(column: &str) -> bool {
    column.ends_with("_due_at")
        || matches!(
            column,
            "deadline_at"
                | "expires_at"
                | "previous_secret_expires_at"
                | "next_attempt_at"
                | "due_at"
        )
}

/// Every (table, column) holding a timestamp, from the database's own catalogue.
async fn timestamp_columns(db: &Db) -> Vec<(String, String)> {
    let pairs = match db {
        Db::Sqlite(_) => {
            strings(
                db,
                "SELECT m.name || '.' || c.name FROM sqlite_master m, pragma_table_info(m.name) c \
                 WHERE m.type = 'table' AND m.name NOT LIKE '\\_%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite%' \
                 AND upper(c.type) = 'TIMESTAMP' ORDER BY 1",
            )
            .await
        }
        Db::Postgres(_) => {
            strings(
                db,
                "SELECT table_name || '.' || column_name FROM information_schema.columns \
                 WHERE table_schema = 'public' AND data_type LIKE 'timestamp%' \
                 AND table_name NOT LIKE '\\_%' ORDER BY 1",
            )
            .await
        }
        Db::MySql(_) => {
            strings(
                db,
                "SELECT CAST(CONCAT(table_name, '.', column_name) AS CHAR) \
                 FROM information_schema.columns \
                 WHERE table_schema = DATABASE() AND data_type IN ('timestamp', 'datetime') \
                 AND table_name NOT LIKE '\\_%' ORDER BY 1",
            )
            .await
        }
    };
    pairs
        .into_iter()
        .filter_map(|p| p.split_once('.').map(|(t, c)| (t.to_owned(), c.to_owned())))
        .collect()
}

/// 07:07 UTC: a first run early in the day.
fn early() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 7, 7, 0).unwrap()
}

/// No timestamp column of any table holds a time later than `at` (scheduled ones aside).
async fn nothing_after(db: &Db, at: DateTime<Utc>) {
    let columns = timestamp_columns(db).await;
    for want in [
        "audit_logs.created_at",
        "messages.created_at",
        "notifications.created_at",
        "commissions.created_at",
        "reviews.created_at",
        "support_tickets.last_activity_at",
        "projects.updated_at",
    ] {
        assert!(
            columns.iter().any(|(t, c)| format!("{t}.{c}") == want),
            "{want} not among {columns:?}"
        );
    }
    let limit = at.format("%Y-%m-%d %H:%M:%S").to_string();
    let mut checked = 0;
    let mut late = Vec::new();
    for (table, column) in &columns {
        if scheduled(column) {
            continue;
        }
        let rows = count(db, &format!("SELECT COUNT(*) FROM {table}")).await;
        if rows == 0 {
            continue;
        }
        checked += 1;
        let sql = match db {
            Db::Sqlite(_) => format!(
                "SELECT COUNT(*) FROM {table} WHERE unixepoch({column}) > unixepoch('{limit}')"
            ),
            Db::Postgres(_) => {
                format!("SELECT COUNT(*) FROM {table} WHERE {column} > TIMESTAMPTZ '{limit}+00'")
            }
            Db::MySql(_) => format!("SELECT COUNT(*) FROM {table} WHERE {column} > '{limit}'"),
        };
        let n = count(db, &sql).await;
        if n > 0 {
            let latest = strings(
                db,
                &obryl::store::mysql::casts(&format!(
                    "SELECT CAST(MAX({column}) AS TEXT) FROM {table}"
                )),
            )
            .await
            .join("");
            late.push(format!("{table}.{column}: {n} rows, latest {latest}"));
        }
    }
    assert!(checked >= 60, "only {checked} timestamp columns with rows");
    assert!(
        late.is_empty(),
        "after the anchor {limit}:\n{}",
        late.join("\n")
    );
}

#[tokio::test]
async fn nothing_is_dated_after_the_anchor() {
    on_all!(|db| {
        let opts = SeedOptions {
            size: Size::Demo,
            seed: 7,
            anchor: early(),
        };
        seed(&db, &opts, &|_, _, _| {}).await.expect("seed");
        nothing_after(&db, early()).await;
    });
}

/// The first run's demo database ends its history when it is built, not later that day.
#[tokio::test]
async fn a_first_run_at_seven_has_no_later_history() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("obryl.db");
    obryl::seed::demo::build_at(&path, early(), &|_, _, _| {})
        .await
        .expect("demo");
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open demo");
    nothing_after(&db, early()).await;
}

/// Conversations read in order: each thread in time order with no message said twice, a
/// ticket's thread opening with the ticket's text and answered when the ticket says, nothing
/// after the words that close it, a project's thread following the project's history.
async fn threads_read_in_order(db: &Db) {
    let closing = "(m.body LIKE '%clôtur%' OR m.body LIKE '%fermer le ticket%' \
                   OR m.body LIKE '%en résolu%' OR m.body LIKE '%comme résolue%')";
    let persists = "(m.body LIKE '%persiste%' OR m.body LIKE '%toujours la même erreur%' \
                    OR m.body LIKE '%toujours pas changé%' OR m.body LIKE '%a expiré%' \
                    OR m.body LIKE '%rien ne change%')";
    let ticket_of = "JOIN conversations c ON c.id = m.conversation_id AND c.subject_type = 'support_ticket' \
                     JOIN support_tickets t ON t.id = c.subject_id";
    let none = [
        // every body once per thread; ids follow time
        "SELECT COUNT(*) FROM (SELECT conversation_id, body FROM messages GROUP BY conversation_id, body HAVING COUNT(*) > 1) x".to_owned(),
        "SELECT COUNT(*) FROM messages a JOIN messages b ON b.conversation_id = a.conversation_id AND b.id = a.id + 1 \
         WHERE b.created_at < a.created_at".to_owned(),
        "SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE m.created_at < c.created_at OR m.created_at > c.last_message_at".to_owned(),
        // a ticket's description is two different sentences
        "SELECT COUNT(*) FROM support_tickets WHERE length(body) > 1 AND body = \
         substr(body, 1, (length(body) - 1) / 2) || ' ' || substr(body, 1, (length(body) - 1) / 2)".to_owned(),
        // a ticket's thread opens with its text, by its requester
        format!("SELECT COUNT(*) FROM messages m {ticket_of} \
         WHERE m.id = (SELECT MIN(id) FROM messages WHERE conversation_id = c.id) \
         AND (m.body <> t.body OR m.sender_id <> t.requester_id OR m.created_at <> t.created_at)"),
        // staff answer publicly for the first time when the ticket says, never before
        format!("SELECT COUNT(*) FROM messages m {ticket_of} \
         WHERE m.sender_id <> t.requester_id AND NOT m.is_internal \
         AND (t.first_responded_at IS NULL OR m.created_at < t.first_responded_at)"),
        "SELECT COUNT(*) FROM support_tickets t JOIN conversations c ON c.subject_type = 'support_ticket' AND c.subject_id = t.id \
         WHERE t.first_responded_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id \
         AND m.sender_id = t.assignee_id AND NOT m.is_internal AND m.created_at = t.first_responded_at)".to_owned(),
        // words that close a ticket end its thread, and only a solved or closed one
        format!("SELECT COUNT(*) FROM messages m {ticket_of} \
         WHERE {closing} AND (t.status NOT IN ('solved', 'closed') \
         OR EXISTS (SELECT 1 FROM messages n WHERE n.conversation_id = m.conversation_id AND n.id > m.id))"),
        // "it still does not work" answers an attempt by the agent
        format!("SELECT COUNT(*) FROM messages m {ticket_of} \
         WHERE {persists} AND NOT EXISTS (SELECT 1 FROM messages n WHERE n.conversation_id = m.conversation_id \
         AND n.id = m.id - 1 AND n.sender_id = t.assignee_id)"),
        // a solved ticket's thread ends with the solution or what followed it, not a complaint
        format!("SELECT COUNT(*) FROM messages m {ticket_of} \
         WHERE {persists} AND t.status IN ('solved', 'closed') \
         AND m.id = (SELECT MAX(id) FROM messages WHERE conversation_id = c.id)"),
        // a project's thread opens with the platform's note of the assignment
        "SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.subject_type = 'project' \
         JOIN projects p ON p.id = c.subject_id WHERE m.id = (SELECT MIN(id) FROM messages WHERE conversation_id = c.id) \
         AND (m.sender_id IS NOT NULL OR m.created_at <> p.assigned_at)".to_owned(),
        // the platform notes only what happened, when it happened
        "SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.subject_type = 'project' \
         JOIN projects p ON p.id = c.subject_id WHERE m.sender_id IS NULL AND ( \
         (m.body LIKE '%annulé%' AND (p.cancelled_at IS NULL OR m.created_at <> p.cancelled_at)) \
         OR (m.body LIKE '%paiement a été libéré%' AND (p.completed_at IS NULL OR m.created_at < p.completed_at)) \
         OR (m.body LIKE '%comme livré%' AND (p.delivered_at IS NULL OR m.created_at > p.delivered_at)) \
         OR (m.body LIKE '%litige%' AND p.status NOT IN ('disputed', 'completed', 'cancelled')))".to_owned(),
        // a project's people speak in its thread; tickets' internal notes are staff's
        "SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE m.sender_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM conversation_participants cp \
         WHERE cp.conversation_id = c.id AND cp.user_id = m.sender_id)".to_owned(),
        "SELECT COUNT(*) FROM messages m WHERE m.is_internal AND (m.sender_id IS NULL OR m.sender_id > 7)".to_owned(),
    ];
    for sql in &none {
        assert_eq!(count(db, sql).await, 0, "{sql}");
    }
    // The demo shows whole conversations: solved threads, complaints, closing words.
    let some = [
        format!("SELECT COUNT(*) FROM messages m {ticket_of} WHERE {persists}"),
        format!("SELECT COUNT(*) FROM messages m {ticket_of} WHERE {closing}"),
        "SELECT COUNT(*) FROM messages WHERE is_internal".to_owned(),
        "SELECT COUNT(*) FROM messages WHERE sender_id IS NULL AND body LIKE '%comme livré%'"
            .to_owned(),
    ];
    for sql in &some {
        assert!(count(db, sql).await > 0, "none: {sql}");
    }
}

#[tokio::test]
async fn threads_read_in_order_and_never_repeat() {
    on_all!(|db| {
        seeded(&db, 7).await;
        threads_read_in_order(&db).await;
    });
}

/// (id, old values, new values) of the audit rows about users that set `field`, in order.
async fn user_changes(db: &Db, field: &str) -> Vec<(i64, serde_json::Value, serde_json::Value)> {
    let rows = "FROM audit_logs WHERE auditable_type = 'user' AND event IN ('created', 'updated') ORDER BY id";
    let ids = strings(db, &format!("SELECT CAST(auditable_id AS TEXT) {rows}")).await;
    let old = strings(db, &format!("SELECT CAST(old_values AS TEXT) {rows}")).await;
    let new = strings(db, &format!("SELECT CAST(new_values AS TEXT) {rows}")).await;
    let json = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap_or_default();
    ids.iter()
        .zip(old.iter().zip(&new))
        .map(|(id, (o, n))| (id.parse().unwrap_or_default(), json(o), json(n)))
        .filter(|(_, _, n)| n.get(field).is_some())
        .collect()
}

/// `id value` lines as a map.
async fn by_id(db: &Db, sql: &str) -> std::collections::BTreeMap<i64, String> {
    strings(db, sql)
        .await
        .into_iter()
        .filter_map(|l| {
            let (id, v) = l.split_once(' ')?;
            Some((id.parse().ok()?, v.to_owned()))
        })
        .collect()
}

/// Each profile is where its audited changes left it: every change starts from the value the
/// one before left, and the last one is the current value.
async fn profiles_match_their_history(db: &Db) {
    let availability = by_id(
        db,
        "SELECT CAST(user_id AS TEXT) || ' ' || availability FROM profiles WHERE type = 'developer'",
    )
    .await;
    let mut now: std::collections::BTreeMap<i64, String> = std::collections::BTreeMap::new();
    let mut changed = 0;
    for (id, old, new) in user_changes(db, "availability").await {
        let before = now.get(&id).cloned().unwrap_or_else(|| "available".into());
        assert_eq!(
            old["availability"],
            before.as_str(),
            "user {id}: {old} -> {new}"
        );
        assert_ne!(old["availability"], new["availability"], "user {id}");
        now.insert(
            id,
            new["availability"].as_str().unwrap_or_default().to_owned(),
        );
        changed += 1;
    }
    assert!(changed >= 10, "{changed} availability changes");
    assert!(
        now.values().any(|v| v != "available"),
        "every developer changed back to available"
    );
    for (id, value) in &now {
        assert_eq!(
            availability.get(id),
            Some(value),
            "developer {id}'s profile"
        );
    }

    let locale = by_id(db, "SELECT CAST(id AS TEXT) || ' ' || locale FROM users").await;
    let mut now: std::collections::BTreeMap<i64, String> = std::collections::BTreeMap::new();
    let mut toggles = 0;
    for (id, old, new) in user_changes(db, "locale").await {
        let value = new["locale"].as_str().unwrap_or_default().to_owned();
        if let Some(before) = now.get(&id) {
            assert_eq!(old["locale"], before.as_str(), "user {id}: {old} -> {new}");
            toggles += 1;
        } else {
            assert!(
                old.get("locale").is_none_or(|v| v.is_null()),
                "user {id} starts with {old}"
            );
        }
        now.insert(id, value);
    }
    assert!(toggles >= 10, "{toggles} language changes");
    for (id, value) in &now {
        assert_eq!(locale.get(id), Some(value), "user {id}'s language");
    }
}

#[tokio::test]
async fn profiles_match_their_audit_history() {
    on_all!(|db| {
        seeded(&db, 7).await;
        profiles_match_their_history(&db).await;
    });
}

/// The words of a title that carry its subject.
fn title_words(title: &str) -> Vec<String> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 5)
        .map(str::to_lowercase)
        .collect()
}

/// Each article's body is about its title: its excerpt first, then sections that use the
/// title's words, none of them shared with another article.
async fn articles_match_their_titles(db: &Db) {
    let titles = strings(db, "SELECT title FROM articles ORDER BY id").await;
    let excerpts = strings(db, "SELECT excerpt FROM articles ORDER BY id").await;
    let bodies = strings(db, "SELECT body FROM articles ORDER BY id").await;
    assert!(titles.len() >= 10, "{} articles", titles.len());
    let mut owner: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for ((title, excerpt), body) in titles.iter().zip(&excerpts).zip(&bodies) {
        assert!(body.starts_with(excerpt.as_str()), "{title}: {body}");
        let words = title_words(title);
        let text = body.to_lowercase();
        let found = words.iter().filter(|w| text.contains(w.as_str())).count();
        assert!(
            found * 10 >= words.len() * 6,
            "{title}: only {found} of {words:?} in {body}"
        );
        assert!(body.matches("## ").count() >= 3, "{title}: {body}");
        for paragraph in body.split("\n\n").filter(|p| p.len() > 40) {
            let first = owner.entry(paragraph).or_insert(title.as_str());
            assert_eq!(
                *first,
                title.as_str(),
                "shared by two articles: {paragraph}"
            );
        }
    }
}

#[tokio::test]
async fn articles_are_about_their_titles() {
    on_all!(|db| {
        seeded(&db, 7).await;
        articles_match_their_titles(&db).await;
    });
}
