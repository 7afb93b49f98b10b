//! The store's inserts, built from `store::schema`'s column lists, on real SQLite and real
//! PostgreSQL: the lists match the migrated tables, and every insert (plain, upsert, insert
//! from a select, RETURNING id) writes on both backends.

mod common;

use chrono::{Duration, SubsecRound, Utc};
use obryl::store::commissions::{self, Kind};
use obryl::store::deliveries::{self, Outcome, Then};
use obryl::store::{
    Db, access, analytics, audit, leases, ledger, messages, notifications, outbox, payable,
    payouts, projects, reference, reviews, schema, settings, ssh_keys, tickets, tokens, users,
    webhooks, workload,
};
use std::collections::{BTreeMap, BTreeSet};

/// Every table's columns as the database has them (generated columns left out).
async fn columns(db: &Db) -> BTreeMap<String, BTreeSet<String>> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(p) => sqlx::query_as(
            "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Postgres(p) => sqlx::query_as(
            "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND is_generated = 'NEVER' \
             AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::MySql(p) => sqlx::query_as(
            "SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR) \
             FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND extra NOT LIKE '%GENERATED%' \
             AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, column) in rows {
        out.entry(table).or_default().insert(column);
    }
    out
}

#[tokio::test]
async fn the_schema_lists_every_column_of_every_table() {
    on_all!(|db| {
        let actual = columns(&db).await;
        let listed: BTreeMap<String, BTreeSet<String>> = schema::ALL
            .iter()
            .map(|t| {
                let cols: BTreeSet<String> = t.all_columns().map(str::to_owned).collect();
                assert_eq!(
                    cols.len(),
                    t.all_columns().count(),
                    "{} lists a column twice",
                    t.name
                );
                (t.name.to_owned(), cols)
            })
            .collect();
        assert_eq!(listed.len(), schema::ALL.len(), "a table is listed twice");
        assert_eq!(listed, actual);
        // What `doctor` checks: nothing the store needs is missing or mistyped.
        assert_eq!(
            obryl::store::catalog::differences(&db).await.unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(schema::find("worker_leases"), Some(schema::WORKER_LEASES));
        assert_eq!(schema::find("nothing"), None);
    });
}

#[tokio::test]
async fn every_store_insert_writes_on_both_backends() {
    on_all!(|db| inserts(&db).await);
}

async fn inserts(db: &Db) {
    let now = Utc::now().trunc_subsecs(0);
    let mut tx = db.begin().await.unwrap();

    // Reference data again: every insert leaves the existing row alone.
    reference::ensure_currency(&mut tx, "XOF", "Franc CFA", 0, "F")
        .await
        .unwrap();
    reference::ensure_named(&mut tx, "roles", "finance", now)
        .await
        .unwrap();
    reference::ensure_named(&mut tx, "permissions", "webhooks.manage", now)
        .await
        .unwrap();
    assert!(
        reference::ensure_named(&mut tx, "users", "x", now)
            .await
            .is_err()
    );
    let finance = users::role_id(&mut tx, "finance").await.unwrap().unwrap();
    reference::ensure_role_permission(&mut tx, finance, "webhooks.manage")
        .await
        .unwrap();
    let payload = serde_json::json!({"n": 1});
    reference::ensure_setting(&mut tx, "tests", "n", payload.clone(), now)
        .await
        .unwrap();
    reference::ensure_setting(&mut tx, "tests", "n", serde_json::json!(2), now)
        .await
        .unwrap();
    let kept = settings::get(&mut tx, "tests", "n").await.unwrap().unwrap();
    assert_eq!(kept.payload, payload);
    settings::put(&mut tx, "tests", "m", serde_json::json!(3), now)
        .await
        .unwrap();
    settings::put(&mut tx, "tests", "m", serde_json::json!(4), now)
        .await
        .unwrap();
    let put = settings::get(&mut tx, "tests", "m").await.unwrap().unwrap();
    assert_eq!(put.payload, serde_json::json!(4));

    // People and access.
    let new_user = |name: &'static str, email: &'static str| users::NewUser {
        name,
        email,
        password_hash: "x",
        phone: None,
        locale: "fr",
        now,
    };
    let client = users::insert(&mut tx, &new_user("Awa Diop", "Awa@Example.test"))
        .await
        .unwrap();
    let staff = users::insert(&mut tx, &new_user("Sékou Keïta", "sekou@example.test"))
        .await
        .unwrap();
    assert!(client > 0 && staff > client);
    let found = users::find(&mut tx, client).await.unwrap().unwrap();
    assert_eq!(found.email, "awa@example.test");
    assert!(users::grant_role(&mut tx, staff, finance).await.unwrap());
    assert!(!users::grant_role(&mut tx, staff, finance).await.unwrap());
    assert_eq!(users::roles_of(&mut tx, staff).await.unwrap(), ["finance"]);
    let session = access::NewSession {
        user_id: staff,
        token_hash: "hash",
        host: "host",
        source: "tui",
        remembered: true,
        now,
        expires_at: now + Duration::days(1),
        ssh_key_id: None,
    };
    let session = access::insert_session(&mut tx, &session).await.unwrap();
    let row = access::session(&mut tx, session).await.unwrap().unwrap();
    assert!(row.remembered);
    let attempt = access::NewAttempt {
        email: "sekou@example.test",
        user_id: Some(staff),
        source: "tui",
        succeeded: false,
        reason: Some("password"),
        now,
    };
    assert!(access::insert_attempt(&mut tx, &attempt).await.unwrap() > 0);

    // A project, its commission, review, hours, conversation and ticket.
    let project = projects::NewProject {
        client_id: client,
        title: "Site",
        slug: "site",
        description: "A site",
        budget_amount: 100_000,
        currency: "XOF",
        estimated_hours: Some(10),
        deadline_at: None,
        now,
    };
    let project = projects::insert(&mut tx, &project).await.unwrap();
    let read = projects::get(&mut tx, project).await.unwrap().unwrap();
    assert_eq!(
        (read.status.as_str(), read.client_name.as_str()),
        ("draft", "Awa Diop")
    );
    let values = vec![("status", "open".into())];
    assert!(
        projects::cas_update(&mut tx, project, "draft", 0, values.clone(), now)
            .await
            .unwrap()
    );
    assert!(
        !projects::cas_update(&mut tx, project, "draft", 0, values, now)
            .await
            .unwrap()
    );
    let commission = commissions::NewCommission {
        project_id: project,
        gross_amount: 100_000,
        rate_bps: 1000,
        amount: 10_000,
        currency: "XOF",
        requested_by: staff,
        now,
    };
    let commission = commissions::insert(&mut tx, &commission).await.unwrap();
    let row = commissions::get(&mut tx, Kind::Platform, commission)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.amount, row.client_name.as_str()), (10_000, "Awa Diop"));
    assert!(
        reviews::insert_review(&mut tx, project, staff, client, 5, Some("Bien"), now)
            .await
            .unwrap()
            > 0
    );
    let week = now.date_naive();
    workload::add_planned(&mut tx, staff, project, week, 4, now)
        .await
        .unwrap();
    workload::add_planned(&mut tx, staff, project, week, 3, now)
        .await
        .unwrap();
    let lines = workload::lines(&mut tx, staff, week, week + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(lines.iter().map(|l| l.planned_hours).sum::<i64>(), 7);
    let conversation = messages::ensure_conversation(&mut tx, "project", project, "Site", now)
        .await
        .unwrap();
    let again = messages::ensure_conversation(&mut tx, "project", project, "Site", now)
        .await
        .unwrap();
    assert_eq!(conversation, again);
    messages::insert(&mut tx, conversation, Some(staff), "Bonjour", false, now)
        .await
        .unwrap();
    messages::touch_presence(&mut tx, conversation, staff, true, now)
        .await
        .unwrap();
    messages::touch_presence(&mut tx, conversation, staff, false, now)
        .await
        .unwrap();
    let seen = messages::present(&mut tx, conversation, client, now)
        .await
        .unwrap();
    assert_eq!(seen, [("Sékou Keïta".to_owned(), false)]);
    let ticket = tickets::NewTicket {
        requester_id: client,
        assignee_id: Some(staff),
        project_id: Some(project),
        subject: "Aide",
        body: "Corps",
        category: "other",
        priority: "normal",
        status: "open",
        first_response_due_at: now + Duration::hours(4),
        first_responded_at: None,
        resolution_due_at: now + Duration::days(2),
        follows_ticket_id: None,
        now,
    };
    let (ticket, reference) = tickets::insert(&mut tx, &ticket).await.unwrap();
    assert!(reference.ends_with(&format!("{ticket:06}")));
    assert!(
        tickets::cas_update(&mut tx, ticket, 0, vec![("priority", "high".into())], now)
            .await
            .unwrap()
    );

    // The ledger: accounts on first use, a transfer keeping the payable balance.
    let escrow = ledger::account(&mut tx, "escrow", "escrow", "XOF", now)
        .await
        .unwrap();
    let payable_acc = ledger::account(
        &mut tx,
        "developer_payable",
        "developer_payable",
        "XOF",
        now,
    )
    .await
    .unwrap();
    let same = ledger::account(&mut tx, "escrow", "escrow", "XOF", now)
        .await
        .unwrap();
    assert_eq!(escrow, same);
    let transfer = |key: &'static str, amount: i64| ledger::NewTransfer {
        idempotency_key: key,
        debit_account_id: escrow,
        credit_account_id: payable_acc,
        amount,
        currency: "XOF",
        code: 5,
        project_id: Some(project),
        batch_id: None,
        now,
    };
    assert!(ledger::post(&mut tx, &transfer("t:1", 700)).await.unwrap() > 0);
    ledger::post(&mut tx, &transfer("t:2", 300)).await.unwrap();
    assert!(payable::disagreements(&mut tx).await.unwrap().is_empty());
    let payout = payouts::NewPayout {
        project_id: Some(project),
        provider: "wave",
        reference: "wave-1",
        amount: 1000,
        currency: "XOF",
        batch_id: "batch-1",
        now,
    };
    let payout = payouts::insert_payout(&mut tx, &payout).await.unwrap();
    let batch = payouts::batch(&mut tx, "batch-1").await.unwrap();
    assert_eq!(batch.iter().map(|p| p.id).collect::<Vec<_>>(), [payout]);
    analytics::bump(&mut tx, week, "released", "XOF", 700)
        .await
        .unwrap();
    analytics::bump(&mut tx, week, "released", "XOF", 300)
        .await
        .unwrap();
    let cells = analytics::daily(&mut tx).await.unwrap();
    assert_eq!(cells.iter().map(|c| c.value).collect::<Vec<_>>(), [1000]);

    // Notifications, audit, tokens, the outbox and its deliveries.
    let note = notifications::NewNotification {
        id: uuid::Uuid::new_v4().to_string(),
        kind: "tests",
        user_id: staff,
        data: serde_json::json!({"k": "v"}),
        now,
    };
    notifications::insert(&mut tx, &note).await.unwrap();
    assert_eq!(
        notifications::unread_count(&mut tx, staff).await.unwrap(),
        1
    );
    let entry = audit::NewAudit {
        user_id: Some(staff),
        event: "updated",
        auditable_type: "project",
        auditable_id: project,
        old_values: serde_json::json!({}),
        new_values: serde_json::json!({"status": "open"}),
        url: None,
        ip_address: Some("192.0.2.1"),
        user_agent: Some("tests"),
        tags: None,
        now,
    };
    let entry = audit::insert(&mut tx, &entry).await.unwrap();
    let row = audit::get(&mut tx, entry).await.unwrap().unwrap();
    assert_eq!(row.user_name.as_deref(), Some("Sékou Keïta"));
    assert_eq!(row.ip_address.as_deref(), Some("192.0.2.1"));
    let hash = "ab".repeat(32);
    let token = tokens::NewToken {
        owner_id: staff,
        name: "partner",
        hash: &hash,
        abilities: "[\"projects:read\"]",
        expires_at: None,
        now,
    };
    let token = tokens::insert(&mut tx, &token).await.unwrap();
    let row = tokens::find(&mut tx, token).await.unwrap().unwrap();
    assert_eq!(row.owner_name.as_deref(), Some("Sékou Keïta"));
    let key = ssh_keys::NewSshKey {
        user_id: staff,
        algorithm: "ssh-ed25519",
        public_key: "AAAAC3NzaC1lZDI1NTE5AAAAIO4IMcV3AHqbs/yf3wIAKR5JcQVTLELZnFzeHpZQ1df0",
        fingerprint: "SHA256:6EutoqQOszfvgmBX8SLQPzRFIG9yRFoDaip+765uoLQ",
        comment: Some("laptop"),
        created_by: Some(staff),
        now,
    };
    let key = ssh_keys::insert(&mut tx, &key).await.unwrap();
    let row = ssh_keys::by_fingerprint(
        &mut tx,
        "SHA256:6EutoqQOszfvgmBX8SLQPzRFIG9yRFoDaip+765uoLQ",
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        (row.id, row.created_by_name.as_deref()),
        (key, Some("Sékou Keïta"))
    );
    let types = ["project.updated".to_owned()];
    let endpoint = webhooks::NewEndpoint {
        url: "https://partner.test/hook",
        description: None,
        secret: "whsec_test",
        event_types: &types,
        now,
    };
    let endpoint = webhooks::insert(&mut tx, &endpoint).await.unwrap();
    let event = outbox::insert(
        &mut tx,
        "evt-1",
        "project.updated",
        serde_json::json!({}),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        webhooks::fan_out(&mut tx, event, "project.updated", now)
            .await
            .unwrap(),
        1
    );
    let other = outbox::insert(
        &mut tx,
        "evt-2",
        "ticket.opened",
        serde_json::json!({}),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        webhooks::fan_out(&mut tx, other, "ticket.opened", now)
            .await
            .unwrap(),
        0
    );
    let given_up = outbox::insert(
        &mut tx,
        "evt-3",
        "project.updated",
        serde_json::json!({}),
        now,
    )
    .await
    .unwrap();
    webhooks::fan_out(&mut tx, given_up, "project.updated", now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Claimed attempts that failed: one is retried (its next attempt queued), one given up;
    // a replay of the one and a replay of the failures since `now` queue again.
    let mut claimed = deliveries::claim(db, "w1", now, now, now + Duration::minutes(1), 10)
        .await
        .unwrap();
    claimed.sort_by_key(|c| c.webhook_event_id);
    assert_eq!(
        claimed
            .iter()
            .map(|c| c.webhook_event_id)
            .collect::<Vec<_>>(),
        [event, given_up]
    );
    let outcome = |i: usize, then: Then| Outcome {
        delivery_id: claimed[i].id,
        event_row_id: claimed[i].webhook_event_id,
        endpoint_id: endpoint,
        attempt: 1,
        attempted_at: now,
        response_status: Some(500),
        latency_ms: Some(20),
        error: Some("500".into()),
        excerpt: None,
        then,
    };
    let outcomes = [
        outcome(0, Then::RetryAt(now + Duration::minutes(5))),
        outcome(1, Then::GiveUp),
    ];
    let mut tx = db.begin().await.unwrap();
    let recorded = deliveries::record(&mut tx, "w1", &outcomes, now)
        .await
        .unwrap();
    assert_eq!(recorded, [true, true]);
    let pending = deliveries::replay(&mut tx, claimed[0].id, now)
        .await
        .unwrap()
        .unwrap();
    let next = deliveries::get(&mut tx, pending).await.unwrap().unwrap();
    assert_eq!((next.attempt, next.status.as_str()), (2, "pending"));
    let third = deliveries::insert_pending(&mut tx, event, endpoint, 3, now, now)
        .await
        .unwrap();
    assert!(third > pending);
    let replayed = deliveries::replay_failed_since(&mut tx, endpoint, now, now)
        .await
        .unwrap();
    assert_eq!(replayed, 1, "only the given-up attempt has none after it");
    tx.commit().await.unwrap();
    let by_status = deliveries::count_by_status(&mut db.clone(), Some(endpoint))
        .await
        .unwrap();
    let expected = [("failed", 1), ("gave_up", 1), ("pending", 3)];
    assert_eq!(by_status, expected.map(|(s, n)| (s.to_owned(), n)));

    // Leases, the payable and analytics rebuilds.
    let until = now + Duration::minutes(1);
    assert!(leases::take(db, "tests", "a", now, until).await.unwrap());
    assert!(leases::take(db, "tests", "a", now, until).await.unwrap());
    assert!(!leases::take(db, "tests", "b", now, until).await.unwrap());
    let later = until + Duration::seconds(1);
    assert!(
        leases::take(db, "tests", "b", later, later + Duration::minutes(1))
            .await
            .unwrap()
    );
    let (holder, _) = leases::holder(&mut db.clone(), "tests")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(holder, "b");
    assert_eq!(payable::rebuild(db).await.unwrap(), 1);
    assert!(
        payable::disagreements(&mut db.clone())
            .await
            .unwrap()
            .is_empty()
    );
    analytics::rebuild(db).await.unwrap();
}
