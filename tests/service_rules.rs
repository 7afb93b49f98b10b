//! The rules that must never break (DOMAIN.md), on real SQLite and real PostgreSQL.

mod common;

use common::fixtures::{self, *};
use obryl::domain::{DomainError, TicketStatus};
use obryl::service::{
    self, FourEyes, Origin, ServiceError,
    commissions::{Approval, Kind},
};
use obryl::store::{self, Db};

fn origin() -> Origin {
    Origin::cli()
}

async fn status_of(db: &Db, id: i64) -> String {
    store::commissions::get(&mut db.clone(), Kind::Platform, id)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn audits(db: &Db, id: i64) -> i64 {
    store::audit::count_for(&mut db.clone(), "commission", id, None)
        .await
        .unwrap()
}

#[tokio::test]
async fn approval_writes_change_audit_notifications_and_outbox_once() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        let out =
            service::commissions::approve(&db, &awa, &origin(), Kind::Platform, C_SMALL, None)
                .await
                .unwrap();
        assert_eq!(out, Approval::Approved);
        let row = store::commissions::get(&mut db.clone(), Kind::Platform, C_SMALL)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.status.as_str(), row.approved_by, row.lock_version),
            ("approved", Some(AWA), 1)
        );
        assert_eq!(audits(&db, C_SMALL).await, 1);
        let audit = store::audit::history(&mut db.clone(), "commission", C_SMALL, 5)
            .await
            .unwrap();
        let new = audit[0].new_values.clone().unwrap();
        assert_eq!(new["status"], "approved");
        assert!(
            new.get("gross_amount").is_none(),
            "only changed fields are audited"
        );
        for user in [REQUESTER, MOUSSA] {
            let n = store::notifications::of_kind(
                &mut db.clone(),
                user,
                "App\\Notifications\\CommissionApproved",
            )
            .await
            .unwrap();
            assert_eq!(n.len(), 1, "user {user} notified once");
            assert_eq!(n[0].data["kind"], "commission.approved");
        }
        assert_eq!(
            store::outbox::count_of_type(&mut db.clone(), "commission.approved")
                .await
                .unwrap(),
            1
        );
    });
}

#[tokio::test]
async fn four_eyes_refuses_requester_client_and_developer() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let cases = [
            (REQUESTER, C_SMALL, FourEyes::Requester),
            (CLIENT_FIN, C_CLIENT, FourEyes::Client),
            (DEV_FIN, C_DEV, FourEyes::Developer),
        ];
        for (who, commission, why) in cases {
            let actor = fixtures::actor(&db, who).await;
            let err = service::commissions::approve(
                &db,
                &actor,
                &origin(),
                Kind::Platform,
                commission,
                None,
            )
            .await
            .unwrap_err();
            assert!(
                matches!(err, ServiceError::FourEyes(w) if w == why),
                "{err}"
            );
            let err = service::commissions::reject(
                &db,
                &actor,
                &origin(),
                Kind::Platform,
                commission,
                "non",
                None,
            )
            .await
            .unwrap_err();
            assert!(matches!(err, ServiceError::FourEyes(_)), "{err}");
            assert_eq!(status_of(&db, commission).await, "pending");
            assert_eq!(audits(&db, commission).await, 0);
        }
        // Support and editors do not hold the permission at all.
        for who in [FATOU, ELOISE] {
            let actor = fixtures::actor(&db, who).await;
            let err = service::commissions::approve(
                &db,
                &actor,
                &origin(),
                Kind::Platform,
                C_SMALL,
                None,
            )
            .await
            .unwrap_err();
            assert!(
                matches!(
                    err,
                    ServiceError::Forbidden {
                        permission: "commissions.approve"
                    }
                ),
                "{err}"
            );
        }
    });
}

#[tokio::test]
async fn above_the_threshold_two_distinct_approvers_are_needed() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        let ibrahima = fixtures::actor(&db, IBRAHIMA).await;
        let first =
            service::commissions::approve(&db, &awa, &origin(), Kind::Platform, C_BIG, None)
                .await
                .unwrap();
        assert_eq!(first, Approval::FirstOfTwo);
        assert_eq!(status_of(&db, C_BIG).await, "pending");
        let again =
            service::commissions::approve(&db, &awa, &origin(), Kind::Platform, C_BIG, None)
                .await
                .unwrap_err();
        assert!(
            matches!(again, ServiceError::FourEyes(FourEyes::SameApprover)),
            "{again}"
        );
        let second =
            service::commissions::approve(&db, &ibrahima, &origin(), Kind::Platform, C_BIG, None)
                .await
                .unwrap();
        assert_eq!(second, Approval::Approved);
        let row = store::commissions::get(&mut db.clone(), Kind::Platform, C_BIG)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.first_approved_by, row.approved_by),
            (Some(AWA), Some(IBRAHIMA))
        );
        assert_eq!(audits(&db, C_BIG).await, 2);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_approvals_exactly_one_wins() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        let ibrahima = fixtures::actor(&db, IBRAHIMA).await;
        let mut tasks = Vec::new();
        for i in 0..8 {
            let (db, actor) = (
                db.clone(),
                if i % 2 == 0 {
                    awa.clone()
                } else {
                    ibrahima.clone()
                },
            );
            tasks.push(tokio::spawn(async move {
                service::commissions::approve(
                    &db,
                    &actor,
                    &Origin::cli(),
                    Kind::Platform,
                    C_SMALL,
                    None,
                )
                .await
            }));
        }
        let mut wins = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(Approval::Approved) => wins += 1,
                Ok(other) => panic!("unexpected {other:?}"),
                Err(e) => {
                    let text = e.to_string();
                    assert!(text.starts_with("already approved by "), "{text}");
                    assert!(matches!(e, ServiceError::AlreadyDecided { .. }));
                }
            }
        }
        assert_eq!(wins, 1);
        assert_eq!(audits(&db, C_SMALL).await, 1);
        let n = store::notifications::of_kind(
            &mut db.clone(),
            REQUESTER,
            "App\\Notifications\\CommissionApproved",
        )
        .await
        .unwrap();
        assert_eq!(n.len(), 1);
    });
}

#[tokio::test]
async fn new_commissions_snapshot_the_rate_in_force() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        // Project 5 has no live commission yet.
        let id = service::commissions::create(&db, &awa, &origin(), P_OPEN, 450_001)
            .await
            .unwrap();
        let row = store::commissions::get(&mut db.clone(), Kind::Platform, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.rate_bps, row.amount),
            (1500, 67_500),
            "half-up: 67 500.15 -> 67 500"
        );
        service::settings::update(
            &db,
            &awa,
            &origin(),
            "commission",
            "default_rate_bps",
            serde_json::json!(2000),
        )
        .await
        .unwrap();
        let row = store::commissions::get(&mut db.clone(), Kind::Platform, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.rate_bps, 1500, "existing commissions keep their rate");
        service::commissions::cancel(
            &db,
            &awa,
            &origin(),
            Kind::Platform,
            id,
            "duplicate request",
            None,
        )
        .await
        .unwrap();
        let id2 = service::commissions::create(&db, &awa, &origin(), P_OPEN, 450_001)
            .await
            .unwrap();
        let row = store::commissions::get(&mut db.clone(), Kind::Platform, id2)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((row.rate_bps, row.amount), (2000, 90_000));
        // A second live commission on the same project is refused.
        let dup = service::commissions::create(&db, &awa, &origin(), P_OPEN, 1)
            .await
            .unwrap_err();
        assert!(matches!(dup, ServiceError::Duplicate { .. }), "{dup}");
        let bad = service::settings::update(
            &db,
            &awa,
            &origin(),
            "commission",
            "default_rate_bps",
            serde_json::json!(20_000),
        )
        .await
        .unwrap_err();
        assert!(matches!(bad, ServiceError::Invalid { .. }), "{bad}");
    });
}

#[tokio::test]
async fn a_failing_write_rolls_back_the_change_and_its_audit() {
    on_all!(|db| {
        fixtures::world(&db).await;
        // Make the outbox refuse writes: the approval must leave no trace at all.
        match &db {
            Db::Sqlite(p) => {
                sqlx::query("CREATE TRIGGER outbox_down BEFORE INSERT ON webhook_events BEGIN SELECT RAISE(ABORT, 'outbox down'); END")
                    .execute(p)
                    .await
                    .unwrap();
            }
            Db::Postgres(p) => {
                sqlx::query("CREATE FUNCTION outbox_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox down'; END; $$")
                    .execute(p)
                    .await
                    .unwrap();
                sqlx::query("CREATE TRIGGER outbox_down BEFORE INSERT ON webhook_events FOR EACH ROW EXECUTE FUNCTION outbox_down()")
                    .execute(p)
                    .await
                    .unwrap();
            }
            Db::MySql(p) => {
                sqlx::query("CREATE TRIGGER outbox_down BEFORE INSERT ON webhook_events FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox down'")
                    .execute(p)
                    .await
                    .unwrap();
            }
        }
        let awa = fixtures::actor(&db, AWA).await;
        let err =
            service::commissions::approve(&db, &awa, &origin(), Kind::Platform, C_SMALL, None)
                .await
                .expect_err("the outbox write is refused, so the approval fails");
        // The failure is the one injected (the outbox trigger), not some earlier refusal that
        // would also leave the commission pending.
        match &err {
            ServiceError::Store(obryl::store::StoreError::Sqlx(sqlx::Error::Database(e))) => {
                assert!(e.message().contains("outbox down"), "{err}");
            }
            other => panic!("expected the injected outbox failure, got {other:?}"),
        }
        assert_eq!(err.code(), "service.database", "{err}");
        assert!(!err.is_refusal(), "{err}");
        assert_eq!(status_of(&db, C_SMALL).await, "pending");
        assert_eq!(audits(&db, C_SMALL).await, 0);
        assert!(
            store::notifications::of_kind(
                &mut db.clone(),
                REQUESTER,
                "App\\Notifications\\CommissionApproved"
            )
            .await
            .unwrap()
            .is_empty()
        );
    });
}

#[tokio::test]
async fn audit_rows_are_append_only() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        service::commissions::approve(&db, &awa, &origin(), Kind::Platform, C_SMALL, None)
            .await
            .unwrap();
        let (update, delete) = (
            "UPDATE audit_logs SET event = 'forged'",
            "DELETE FROM audit_logs",
        );
        match &db {
            Db::Sqlite(p) => {
                assert!(sqlx::query(update).execute(p).await.is_err());
                assert!(sqlx::query(delete).execute(p).await.is_err());
            }
            Db::Postgres(p) => {
                assert!(sqlx::query(update).execute(p).await.is_err());
                assert!(sqlx::query(delete).execute(p).await.is_err());
                assert!(sqlx::query("TRUNCATE audit_logs").execute(p).await.is_err());
            }
            Db::MySql(p) => {
                assert!(sqlx::query(update).execute(p).await.is_err());
                assert!(sqlx::query(delete).execute(p).await.is_err());
            }
        }
        assert_eq!(audits(&db, C_SMALL).await, 1);
    });
}

#[tokio::test]
async fn paying_posts_a_balanced_ledger_transfer_once() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        let transfer = service::commissions::pay(
            &db,
            &awa,
            &origin(),
            Kind::Platform,
            C_APPROVED,
            "WAVE-2026-0042",
            None,
        )
        .await
        .unwrap();
        assert!(transfer > 0);
        let row = store::commissions::get(&mut db.clone(), Kind::Platform, C_APPROVED)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.status.as_str(), row.ledger_transfer_id),
            ("paid", Some(transfer))
        );
        let again =
            service::commissions::pay(&db, &awa, &origin(), Kind::Platform, C_APPROVED, "x", None)
                .await
                .unwrap_err();
        assert!(
            matches!(again, ServiceError::AlreadyDecided { ref status, .. } if status == "paid"),
            "{again}"
        );
        for (_, debits, credits, dp, cp) in
            store::ledger::cached_totals(&mut db.clone()).await.unwrap()
        {
            assert_eq!((debits, dp), (credits, cp));
        }
        assert!(
            store::ledger::drifted_accounts(
                &mut db.clone(),
                &store::ledger::recount(&mut db.clone()).await.unwrap()
            )
            .await
            .unwrap()
            .is_empty()
        );
        let pending =
            service::commissions::pay(&db, &awa, &origin(), Kind::Platform, C_SMALL, "x", None)
                .await
                .unwrap_err();
        assert!(matches!(pending, ServiceError::Invalid { .. }), "{pending}");
    });
}

#[tokio::test]
async fn bad_input_is_refused_with_a_typed_error_and_nothing_written() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        let huge = "x".repeat(1 << 20);
        let err = service::commissions::reject(
            &db,
            &awa,
            &origin(),
            Kind::Platform,
            C_SMALL,
            &huge,
            None,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, ServiceError::Domain(DomainError::TextTooLong { .. })),
            "{err}"
        );
        let err = service::commissions::reject(
            &db,
            &awa,
            &origin(),
            Kind::Platform,
            C_SMALL,
            "   ",
            None,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, ServiceError::Domain(DomainError::EmptyText { .. })),
            "{err}"
        );
        let err = service::commissions::create(&db, &awa, &origin(), P_OPEN, -5)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Domain(DomainError::NegativeAmount { .. })
            ),
            "{err}"
        );
        let err =
            service::commissions::approve(&db, &awa, &origin(), Kind::Platform, 999_999, None)
                .await
                .unwrap_err();
        assert!(matches!(err, ServiceError::NotFound { .. }), "{err}");
        assert_eq!(status_of(&db, C_SMALL).await, "pending");
        assert_eq!(audits(&db, C_SMALL).await, 0);
        assert!(matches!(
            TicketStatus::parse("frozen"),
            Err(DomainError::UnknownStatus { .. })
        ));

        let sekou = fixtures::actor(&db, SEKOU).await;
        let new = |budget: &'static str| service::projects::NewProject {
            client_id: CLIENT,
            title: "Refonte site pharmacie",
            slug: None,
            description: "",
            budget,
            currency: "XOF",
            estimated_hours: Some(40),
        };
        service::projects::create(&db, &sekou, &origin(), &new("450 000"))
            .await
            .unwrap();
        let dup = service::projects::create(&db, &sekou, &origin(), &new("450 000"))
            .await
            .unwrap_err();
        assert!(
            matches!(dup, ServiceError::Duplicate { field: "slug", .. }),
            "{dup}"
        );
        for bad in ["-5", "99999999999999999999", "12,5", "abc"] {
            let err = service::projects::create(&db, &sekou, &origin(), &new(bad))
                .await
                .unwrap_err();
            assert!(matches!(err, ServiceError::Domain(_)), "{bad}: {err}");
        }
    });
}

#[tokio::test]
async fn workload_rules_refuse_with_numbers() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let sekou = fixtures::actor(&db, SEKOU).await;
        let err = service::projects::assign_developer(&db, &sekou, &origin(), P_OPEN, CLIENT, None)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::DeveloperIsClient), "{err}");
        let err = service::projects::assign_developer(&db, &sekou, &origin(), P_OPEN, IDLE, None)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Unavailable { .. }), "{err}");
        let err = service::projects::assign_developer(&db, &sekou, &origin(), P_OPEN, AWA, None)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::NotADeveloper { .. }), "{err}");

        // Fill Moussa's current week to 38 h: the 80 h project adds more than 2 h to it.
        let week = service::projects::week_start(chrono::Utc::now().date_naive());
        let mut tx = db.begin().await.unwrap();
        store::workload::add_planned(&mut tx, MOUSSA, 1, week, 38, service::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let err = service::projects::assign_developer(&db, &sekou, &origin(), P_OPEN, MOUSSA, None)
            .await
            .unwrap_err();
        match &err {
            ServiceError::OverCapacity {
                planned, capacity, ..
            } => assert_eq!((*planned, *capacity), (38, 40)),
            other => panic!("{other}"),
        }
        assert!(
            err.to_string()
                .contains("Moussa Traoré is at 38/40 h in week"),
            "{err}"
        );

        // Koffi N'Guessan (DEV_FIN) is free: assignment writes the plan within capacity.
        service::projects::assign_developer(&db, &sekou, &origin(), P_OPEN, DEV_FIN, None)
            .await
            .unwrap();
        let p = store::projects::get(&mut db.clone(), P_OPEN)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (p.status.as_str(), p.developer_id),
            ("assigned", Some(DEV_FIN))
        );
        let far = week + chrono::Duration::weeks(60);
        let planned = store::workload::planned(&mut db.clone(), &[DEV_FIN], week, far)
            .await
            .unwrap();
        assert_eq!(planned.iter().map(|r| r.2).sum::<i64>(), 80);
        assert!(planned.iter().all(|r| r.2 <= 40));
        assert_eq!(
            store::audit::count_for(&mut db.clone(), "project", P_OPEN, Some("assigned"))
                .await
                .unwrap(),
            1
        );
        // The project state machine: assigned cannot jump to completed.
        let err = service::projects::transition(
            &db,
            &sekou,
            &origin(),
            P_OPEN,
            obryl::domain::ProjectStatus::Completed,
            Some("done"),
            None,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Domain(DomainError::IllegalTransition { .. })
            ),
            "{err}"
        );
        service::projects::transition(
            &db,
            &sekou,
            &origin(),
            P_OPEN,
            obryl::domain::ProjectStatus::InProgress,
            None,
            None,
        )
        .await
        .unwrap();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ticket_assignment_has_one_winner_and_pending_pauses_the_clock() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let fatou = fixtures::actor(&db, FATOU).await;
        let koffi = fixtures::actor(&db, KOFFI).await;
        let seen = store::tickets::get(&mut db.clone(), T_NEW)
            .await
            .unwrap()
            .unwrap()
            .lock_version;
        let a = {
            let (db, f) = (db.clone(), fatou.clone());
            tokio::spawn(async move {
                service::tickets::assign(&db, &f, &Origin::tui(), T_NEW, FATOU, Some(seen)).await
            })
        };
        let b = {
            let (db, k) = (db.clone(), koffi.clone());
            tokio::spawn(async move {
                service::tickets::assign(&db, &k, &Origin::tui(), T_NEW, KOFFI, Some(seen)).await
            })
        };
        let results = [a.await.unwrap(), b.await.unwrap()];
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
        let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert!(
            loser
                .to_string()
                .starts_with("ticket is already assigned to "),
            "{loser}"
        );
        let t = store::tickets::get(&mut db.clone(), T_NEW)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.status, "open");
        service::tickets::transition(
            &db,
            &fatou,
            &Origin::tui(),
            T_NEW,
            TicketStatus::Pending,
            None,
            None,
        )
        .await
        .unwrap();
        let t = store::tickets::get(&mut db.clone(), T_NEW)
            .await
            .unwrap()
            .unwrap();
        assert!(t.paused_since.is_some());
        let err = service::tickets::transition(
            &db,
            &fatou,
            &Origin::tui(),
            T_NEW,
            TicketStatus::Closed,
            None,
            None,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Domain(DomainError::IllegalTransition { .. })
            ),
            "{err}"
        );
        service::tickets::transition(
            &db,
            &fatou,
            &Origin::tui(),
            T_NEW,
            TicketStatus::Open,
            None,
            None,
        )
        .await
        .unwrap();
        let t = store::tickets::get(&mut db.clone(), T_NEW)
            .await
            .unwrap()
            .unwrap();
        assert!(t.paused_since.is_none() && t.paused_seconds >= 0);
        assert_eq!(
            store::audit::count_for(&mut db.clone(), "support_ticket", T_NEW, None)
                .await
                .unwrap(),
            3
        );
    });
}

#[tokio::test]
async fn bulk_approval_skips_an_already_decided_row_and_approves_the_rest() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        let ibrahima = fixtures::actor(&db, IBRAHIMA).await;
        service::commissions::approve(&db, &ibrahima, &origin(), Kind::Platform, C_SMALL, None)
            .await
            .unwrap();
        let report = service::commissions::approve_many(
            &db,
            &awa,
            &origin(),
            Kind::Platform,
            &[C_SMALL, C_CLIENT, C_DEV, C_BIG],
        )
        .await
        .unwrap();
        assert_eq!(report.approved, vec![C_CLIENT, C_DEV]);
        assert_eq!(report.first_of_two, vec![C_BIG]);
        assert_eq!(report.skipped.len(), 1);
        let (id, why) = &report.skipped[0];
        assert_eq!(*id, C_SMALL);
        assert!(
            why.to_string()
                .starts_with("already approved by Ibrahima Coulibaly at "),
            "{why}"
        );
        assert_eq!(
            audits(&db, C_SMALL).await,
            1,
            "the skipped row got no second audit row"
        );
    });
}

#[tokio::test]
async fn replies_and_internal_notes_stay_apart() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let fatou = fixtures::actor(&db, FATOU).await;
        service::tickets::reply(
            &db,
            &fatou,
            &origin(),
            T_NEW,
            "Bonjour, nous vérifions le paiement Wave.",
            false,
        )
        .await
        .unwrap();
        service::tickets::reply(
            &db,
            &fatou,
            &origin(),
            T_NEW,
            "Note : appeler Wave, réf. interne 42",
            true,
        )
        .await
        .unwrap();
        let conv = store::messages::conversation_of(&mut db.clone(), "support_ticket", T_NEW)
            .await
            .unwrap()
            .unwrap();
        let public = store::messages::latest(&mut db.clone(), conv, 50, false)
            .await
            .unwrap();
        assert_eq!(
            public.len(),
            1,
            "internal notes are never listed as public replies"
        );
        assert!(!public[0].is_internal);
        let all = store::messages::latest(&mut db.clone(), conv, 50, true)
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        assert!(all[1].is_internal && all[1].body.starts_with("Note"));
        let t = store::tickets::get(&mut db.clone(), T_NEW)
            .await
            .unwrap()
            .unwrap();
        assert!(t.first_responded_at.is_some());
        // The requester hears about the public reply only.
        let n = store::notifications::of_kind(
            &mut db.clone(),
            CLIENT,
            "App\\Notifications\\TicketReplied",
        )
        .await
        .unwrap();
        assert_eq!(n.len(), 1);
        assert_eq!(
            store::outbox::count_of_type(&mut db.clone(), "support_ticket.replied")
                .await
                .unwrap(),
            1
        );
        // A 1 MB reply is refused with the limit in the message; nothing is written.
        let huge = "é".repeat(1 << 19);
        let err = service::tickets::reply(&db, &fatou, &origin(), T_NEW, &huge, false)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Domain(DomainError::TextTooLong {
                    max_bytes: 65_536,
                    ..
                })
            ),
            "{err}"
        );
        assert_eq!(
            store::messages::latest(&mut db.clone(), conv, 50, true)
                .await
                .unwrap()
                .len(),
            2
        );
        // Editors cannot answer tickets.
        let eloise = fixtures::actor(&db, ELOISE).await;
        assert!(matches!(
            service::tickets::reply(&db, &eloise, &origin(), T_NEW, "x", false).await,
            Err(ServiceError::Forbidden { .. })
        ));
        // Presence: Koffi sees Fatou typing.
        service::tickets::presence(&db, &fatou, T_NEW, true)
            .await
            .unwrap();
        let koffi = fixtures::actor(&db, KOFFI).await;
        let seen = service::tickets::presence(&db, &koffi, T_NEW, false)
            .await
            .unwrap();
        assert_eq!(seen, vec![("Fatou Sow".to_string(), true)]);
    });
}

#[tokio::test]
async fn reviews_only_on_completed_projects_once_per_party() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let sekou = fixtures::actor(&db, SEKOU).await;
        // Project 1 is completed: client 10 about developer 11, and back.
        service::content::create_review(
            &db,
            &sekou,
            &origin(),
            1,
            CLIENT,
            5,
            Some("Travail soigné"),
        )
        .await
        .unwrap();
        service::content::create_review(&db, &sekou, &origin(), 1, MOUSSA, 4, None)
            .await
            .unwrap();
        let again = service::content::create_review(&db, &sekou, &origin(), 1, CLIENT, 3, None)
            .await
            .unwrap_err();
        assert!(matches!(again, ServiceError::Duplicate { .. }), "{again}");
        let open = service::content::create_review(&db, &sekou, &origin(), P_OPEN, CLIENT, 5, None)
            .await
            .unwrap_err();
        assert!(
            open.to_string().contains("only for completed projects"),
            "{open}"
        );
        let outsider = service::content::create_review(&db, &sekou, &origin(), 1, AWA, 5, None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                outsider,
                ServiceError::Invalid {
                    field: "reviewer",
                    ..
                }
            ),
            "{outsider}"
        );
        let bad = service::content::create_review(&db, &sekou, &origin(), 1, MOUSSA, 6, None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                bad,
                ServiceError::Invalid {
                    field: "rating",
                    ..
                }
            ),
            "{bad}"
        );
    });
}

#[tokio::test]
async fn editors_edit_and_publish_articles_support_cannot() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let eloise = fixtures::actor(&db, ELOISE).await;
        let fatou = fixtures::actor(&db, FATOU).await;
        let edit = service::content::ArticleEdit {
            title: "Payer ses développeurs en FCFA et en euros",
            excerpt: "Guide",
            body: "Texte complet",
        };
        let err = service::content::edit_article(&db, &fatou, &origin(), A_DRAFT, &edit, None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Forbidden {
                    permission: "articles.edit"
                }
            ),
            "{err}"
        );
        let err = service::content::set_article_status(
            &db,
            &fatou,
            &origin(),
            A_DRAFT,
            obryl::domain::ArticleStatus::Published,
            None,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Forbidden {
                    permission: "articles.publish"
                }
            ),
            "{err}"
        );
        service::content::edit_article(&db, &eloise, &origin(), A_DRAFT, &edit, None)
            .await
            .unwrap();
        service::content::set_article_status(
            &db,
            &eloise,
            &origin(),
            A_DRAFT,
            obryl::domain::ArticleStatus::Published,
            None,
        )
        .await
        .unwrap();
        let a = store::content::article(&mut db.clone(), A_DRAFT)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (a.status.as_str(), a.title.as_str()),
            ("published", "Payer ses développeurs en FCFA et en euros")
        );
        assert!(a.published_at.is_some());
        assert_eq!(
            store::audit::count_for(&mut db.clone(), "article", A_DRAFT, None)
                .await
                .unwrap(),
            2
        );
    });
}

#[tokio::test]
async fn planned_hours_never_exceed_weekly_capacity() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let sekou = fixtures::actor(&db, SEKOU).await;
        let week = service::projects::week_start(chrono::Utc::now().date_naive());
        service::projects::set_planned_hours(&db, &sekou, &origin(), MOUSSA, P_WORK, week, 30)
            .await
            .unwrap();
        let err = service::projects::set_planned_hours(
            &db,
            &sekou,
            &origin(),
            MOUSSA,
            P_WORK_2,
            week,
            12,
        )
        .await
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Moussa Traoré is at 30/40 h in week"),
            "{err}"
        );
        service::projects::set_planned_hours(&db, &sekou, &origin(), MOUSSA, P_WORK_2, week, 10)
            .await
            .unwrap();
        // Lowering is always fine; raising the same line counts only the difference.
        service::projects::set_planned_hours(&db, &sekou, &origin(), MOUSSA, P_WORK, week, 25)
            .await
            .unwrap();
        service::projects::set_planned_hours(&db, &sekou, &origin(), MOUSSA, P_WORK_2, week, 15)
            .await
            .unwrap();
        let planned = store::workload::planned(
            &mut db.clone(),
            &[MOUSSA],
            week,
            week + chrono::Duration::days(7),
        )
        .await
        .unwrap();
        assert_eq!(planned.iter().map(|r| r.2).sum::<i64>(), 40);
        let fatou = fixtures::actor(&db, FATOU).await;
        assert!(matches!(
            service::projects::set_planned_hours(&db, &fatou, &origin(), MOUSSA, P_WORK, week, 1)
                .await,
            Err(ServiceError::Forbidden { .. })
        ));
    });
}

/// `:plan` and `obryl workload plan` refuse a week that is over, a project not under way and a
/// developer not assigned to it (all three used to be accepted).
#[tokio::test]
async fn planning_needs_a_coming_week_a_project_under_way_and_its_developer() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let sekou = fixtures::actor(&db, SEKOU).await;
        let week = service::projects::week_start(chrono::Utc::now().date_naive());
        let refused = |r: Result<(), ServiceError>| match r {
            Err(ServiceError::Invalid { message, .. }) => message.to_string(),
            other => panic!("refused, not {other:?}"),
        };
        let past = week - chrono::Duration::weeks(1);
        let m = refused(
            service::projects::set_planned_hours(&db, &sekou, &origin(), MOUSSA, P_WORK, past, 5)
                .await,
        );
        assert!(m.contains("is over"), "{m}");
        let m = refused(
            service::projects::set_planned_hours(&db, &sekou, &origin(), MOUSSA, 1, week, 5).await,
        );
        assert!(m.contains("this one is completed"), "{m}");
        let m = refused(
            service::projects::set_planned_hours(&db, &sekou, &origin(), IDLE, P_WORK, week, 5)
                .await,
        );
        assert!(m.contains("not assigned"), "{m}");
        service::projects::set_planned_hours(&db, &sekou, &origin(), MOUSSA, P_WORK, week, 5)
            .await
            .unwrap();
    });
}

/// Each group of settings follows the rights of what it shapes: with `settings.edit` alone, a
/// support agent edits the SLA targets but not the commission rate.
#[tokio::test]
async fn each_settings_group_needs_the_rights_of_what_it_shapes() {
    on_all!(|db| {
        fixtures::world(&db).await;
        use sea_query::ExprTrait;
        let q = sea_query::Query::insert()
            .into_table("model_has_permissions")
            .columns(["permission_id", "model_type", "model_id"])
            .select_from(
                sea_query::Query::select()
                    .column("id")
                    .expr(sea_query::Expr::val("user"))
                    .expr(sea_query::Expr::val(FATOU))
                    .from("permissions")
                    .and_where(sea_query::Expr::col("name").eq("settings.edit"))
                    .to_owned(),
            )
            .unwrap()
            .to_owned();
        obryl::store::Conn::exec(&mut db.clone(), &q).await.unwrap();
        let fatou = fixtures::actor(&db, FATOU).await;
        let err = service::settings::update(
            &db,
            &fatou,
            &origin(),
            "commission",
            "default_rate_bps",
            serde_json::json!(1200),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Forbidden {
                    permission: "commissions.approve"
                }
            ),
            "{err}"
        );
        service::settings::update(
            &db,
            &fatou,
            &origin(),
            "support",
            "reply_max_bytes",
            serde_json::json!(32_768),
        )
        .await
        .unwrap();
    });
}

/// A ticket can go back to the unassigned queue, audited; unassigning a ticket nobody has is
/// refused.
#[tokio::test]
async fn a_ticket_can_be_unassigned() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let fatou = fixtures::actor(&db, FATOU).await;
        service::tickets::assign(&db, &fatou, &origin(), T_NEW, FATOU, None)
            .await
            .unwrap();
        service::tickets::unassign(&db, &fatou, &origin(), T_NEW, None)
            .await
            .unwrap();
        let row = store::tickets::get(&mut db.clone(), T_NEW)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.assignee_id, None);
        let history = store::audit::history(&mut db.clone(), "support_ticket", T_NEW, 1)
            .await
            .unwrap();
        assert_eq!(history[0].event, "unassigned");
        assert!(matches!(
            service::tickets::unassign(&db, &fatou, &origin(), T_NEW, None).await,
            Err(ServiceError::Invalid { .. })
        ));
    });
}
