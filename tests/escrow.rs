//! The money path on real SQLite and PostgreSQL, over the demo data: releases divide to the
//! franc, refunds and dispute decisions, auto-release, concurrency and payouts (random
//! sequences of every money operation: tests/money_sequences.rs).

mod common;

use chrono::Utc;
use obryl::domain::{DomainError, EscrowStatus};
use obryl::office;
use obryl::seed::{SeedOptions, Size, seed};
use obryl::service::escrow::{Decided, Released, Split, Take};
use obryl::service::{self, Actor, Origin, ServiceError};
use obryl::store::escrows::{EscrowRow, Filter};
use obryl::store::{self, Anchor, Db};

async fn demo(db: &Db) {
    let opts = SeedOptions {
        size: Size::Demo,
        seed: 42,
        anchor: Utc::now() - chrono::Duration::minutes(5),
    };
    seed(db, &opts, &|_, _, _| {}).await.expect("seed");
}

/// The demo with no dual-approval threshold: every decision is carried out at once (the
/// second approval has its own test).
async fn demo_one_approver(db: &Db) {
    demo(db).await;
    let admin = actor(db, "admin@obryl.test").await;
    let unlimited = serde_json::json!({"XOF": i64::MAX, "XAF": i64::MAX, "EUR": i64::MAX});
    service::settings::update(
        db,
        &admin,
        &Origin::cli(),
        "commission",
        "dual_approval_threshold",
        unlimited,
    )
    .await
    .unwrap();
}

async fn release(
    db: &Db,
    a: &Actor,
    o: &Origin,
    id: i64,
    take: Take,
    seen: Option<i64>,
) -> Result<Released, ServiceError> {
    service::escrow::release(db, a, o, id, take, seen)
        .await
        .map(|d| d.done().expect("carried out"))
}

async fn refund(
    db: &Db,
    a: &Actor,
    o: &Origin,
    id: i64,
    take: Take,
    reason: &str,
    seen: Option<i64>,
) -> Result<i64, ServiceError> {
    service::escrow::refund(db, a, o, id, take, reason, seen)
        .await
        .map(|d| d.done().expect("carried out"))
}

async fn decide_dispute(
    db: &Db,
    a: &Actor,
    o: &Origin,
    id: i64,
    split: Split,
    reason: &str,
    seen: Option<i64>,
) -> Result<service::escrow::Decision, ServiceError> {
    service::escrow::decide_dispute(db, a, o, id, split, reason, seen)
        .await
        .map(|d| d.done().expect("carried out"))
}

async fn actor(db: &Db, email: &str) -> Actor {
    let user = store::users::find_by_email(&mut db.clone(), email)
        .await
        .unwrap()
        .unwrap();
    Actor::load(&mut db.clone(), user.id).await.unwrap()
}

async fn escrows(db: &Db, status: &str) -> Vec<EscrowRow> {
    let f = Filter {
        statuses: vec![status.into()],
        ..Default::default()
    };
    store::escrows::page(&mut db.clone(), &f, &Anchor::First, 200)
        .await
        .unwrap()
        .rows
}

async fn get(db: &Db, id: i64) -> EscrowRow {
    store::escrows::get(&mut db.clone(), id)
        .await
        .unwrap()
        .unwrap()
}

async fn holds(db: &Db) {
    let report = office::escrow::verify(&mut db.clone()).await.unwrap();
    assert!(report.holds(), "{:#?}", report.discrepancies);
}

async fn audits(db: &Db, id: i64) -> i64 {
    store::audit::count_for(&mut db.clone(), "escrow", id, None)
        .await
        .unwrap()
}

/// A held escrow whose project is under way (releases are for work in progress or done).
async fn releasable(db: &Db) -> EscrowRow {
    escrows(db, "held")
        .await
        .into_iter()
        .find(|e| {
            matches!(
                e.project_status.as_str(),
                "in_progress" | "delivered" | "completed" | "revision_requested"
            )
        })
        .expect("a held escrow on work under way")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_partial_release_divides_to_the_franc_and_the_ledger_holds() {
    on_all!(|db| {
        demo_one_approver(&db).await;
        holds(&db).await;
        let awa = actor(&db, "finance@obryl.test").await;
        let o = Origin::cli();
        let e = releasable(&db).await;
        let before = audits(&db, e.id).await;
        let owed = office::escrow::detail(&mut db.clone(), e.id)
            .await
            .unwrap()
            .owed;
        assert_eq!(
            owed.total(),
            e.amount_held,
            "nothing moved yet: all is owed"
        );

        // More than is left: refused, nothing written.
        let err = release(
            &db,
            &awa,
            &o,
            e.id,
            Take::Amount(e.amount_held + 1),
            Some(e.lock_version),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Domain(DomainError::EscrowOverdrawn { .. })
            ),
            "{err:?}"
        );
        assert_eq!(audits(&db, e.id).await, before);

        let half = e.amount_held / 2;
        let done = release(
            &db,
            &awa,
            &o,
            e.id,
            Take::Amount(half),
            Some(e.lock_version),
        )
        .await
        .unwrap();
        assert_eq!(done.amount, half);
        assert_eq!(done.parts.total(), half, "the parts add up to the franc");
        let after = get(&db, e.id).await;
        assert_eq!(after.amount_released, half);
        assert_eq!(after.status, EscrowStatus::PartiallyReleased.as_str());
        assert_eq!(audits(&db, e.id).await, before + 1);
        let detail = office::escrow::detail(&mut db.clone(), e.id).await.unwrap();
        let batch: i64 = detail
            .transfers
            .iter()
            .filter(|t| {
                t.batch_id.as_deref() == Some(&format!("release:e{}:v{}", e.id, e.lock_version))
            })
            .map(|t| t.amount)
            .sum();
        assert_eq!(batch, half, "one batch of linked transfers");
        assert!(
            detail
                .messages
                .iter()
                .any(|m| m.sender_id.is_none() && m.body.contains("libérés")
                    || m.body.contains("released")),
            "a system message in the project's thread"
        );
        holds(&db).await;

        // The rest: everyone gets exactly what they were owed.
        let rest = release(&db, &awa, &o, e.id, Take::All, None).await.unwrap();
        assert_eq!(rest.amount, e.amount_held - half);
        assert_eq!(
            done.parts.developer + rest.parts.developer,
            owed.developer,
            "the developer's whole net"
        );
        assert_eq!(done.parts.platform + rest.parts.platform, owed.platform);
        let after = get(&db, e.id).await;
        assert_eq!(after.status, "released");
        holds(&db).await;
        // Nothing left: a further release is refused by the state.
        let err = release(&db, &awa, &o, e.id, Take::All, None)
            .await
            .unwrap_err();
        assert!(err.is_refusal(), "{err:?}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refunds_need_a_reason_and_permissions_are_current() {
    on_all!(|db| {
        demo_one_approver(&db).await;
        let awa = actor(&db, "finance@obryl.test").await;
        let fatou = actor(&db, "support@obryl.test").await;
        let o = Origin::cli();
        let e = escrows(&db, "held").await.remove(0);
        let before = audits(&db, e.id).await;
        let err = refund(&db, &fatou, &o, e.id, Take::All, "client left", None)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ServiceError::Forbidden { permission } if *permission == "escrow.refund"),
            "{err:?}"
        );
        let err = refund(&db, &awa, &o, e.id, Take::All, "  ", None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::Domain(DomainError::EmptyText { .. })),
            "{err:?}"
        );
        assert_eq!(audits(&db, e.id).await, before, "refusals wrote nothing");
        let third = e.amount_held / 3;
        refund(
            &db,
            &awa,
            &o,
            e.id,
            Take::Amount(third),
            "scope reduced",
            None,
        )
        .await
        .unwrap();
        assert_eq!(get(&db, e.id).await.status, "partially_refunded");
        refund(&db, &awa, &o, e.id, Take::All, "client left", None)
            .await
            .unwrap();
        let after = get(&db, e.id).await;
        assert_eq!(
            (after.status.as_str(), after.amount_refunded),
            ("refunded", e.amount_held)
        );
        holds(&db).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dispute_is_decided_with_a_split_and_the_project_moves_on() {
    on_all!(|db| {
        demo_one_approver(&db).await;
        let awa = actor(&db, "finance@obryl.test").await;
        let o = Origin::cli();
        let e = escrows(&db, "disputed")
            .await
            .into_iter()
            .next()
            .expect("a disputed escrow in the demo");
        let left = e.amounts().remaining();
        let err = decide_dispute(
            &db,
            &awa,
            &o,
            e.id,
            Split::Amounts {
                developer: left,
                client: 1,
            },
            "mediation",
            None,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, ServiceError::Domain(DomainError::SplitMismatch { .. })),
            "{err:?}"
        );
        let decision = decide_dispute(
            &db,
            &awa,
            &o,
            e.id,
            Split::DeveloperBps(6_000),
            "Livrable partiel validé en médiation",
            Some(e.lock_version),
        )
        .await
        .unwrap();
        assert_eq!(decision.parts.total() + decision.client, left);
        let after = get(&db, e.id).await;
        assert_eq!(after.amounts().remaining(), 0);
        assert_eq!(after.amount_refunded - e.amount_refunded, decision.client);
        assert_eq!(after.project_status, "completed");
        holds(&db).await;
    });
}

/// Two finance accounts release the same escrow at the same moment: one wins; a release and
/// a refund at once never take more than was held.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_decisions_never_overdraw() {
    on_all!(|db| {
        demo_one_approver(&db).await;
        let a = actor(&db, "finance@obryl.test").await;
        let b = actor(&db, "finance2@obryl.test").await;
        let o = Origin::cli();
        let e = releasable(&db).await;
        let (r1, r2) = tokio::join!(
            release(&db, &a, &o, e.id, Take::All, Some(e.lock_version)),
            release(&db, &b, &o, e.id, Take::All, Some(e.lock_version)),
        );
        assert_eq!(
            [r1.is_ok(), r2.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{r1:?} / {r2:?}"
        );
        assert_eq!(get(&db, e.id).await.amount_released, e.amount_held);
        holds(&db).await;

        let f = escrows(&db, "held")
            .await
            .into_iter()
            .find(|x| x.id != e.id && x.project_status == "in_progress")
            .expect("another held escrow");
        let (r1, r2) = tokio::join!(
            release(&db, &a, &o, f.id, Take::All, None),
            refund(&db, &b, &o, f.id, Take::All, "cancelled", None),
        );
        let after = get(&db, f.id).await;
        assert!(after.amount_released + after.amount_refunded <= after.amount_held);
        assert!(r1.is_ok() || r2.is_ok(), "{r1:?} / {r2:?}");
        holds(&db).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn auto_release_runs_once() {
    on_all!(|db| {
        demo_one_approver(&db).await;
        let awa = actor(&db, "finance@obryl.test").await;
        let o = Origin::cli();
        // Every delivered project is overdue once the client has a day.
        service::settings::update(&db, &awa, &o, "escrow", "auto_release_days", 1.into())
            .await
            .unwrap();
        let due = service::escrow::due_for_auto_release(
            &mut db.clone(),
            Utc::now() + chrono::Duration::days(400),
        )
        .await
        .unwrap();
        let first = service::escrow::auto_release(&db, &awa, &o).await.unwrap();
        for (id, _) in &first {
            let row = get(&db, *id).await;
            assert_eq!(row.amounts().remaining(), 0);
            let audit = store::audit::history(&mut db.clone(), "escrow", *id, 5)
                .await
                .unwrap();
            let auto = audit.iter().find(|a| a.event == "auto_released").unwrap();
            assert_eq!(auto.user_id, Some(awa.id), "audited as who ran it");
        }
        assert!(first.len() <= due.len());
        let again = service::escrow::auto_release(&db, &awa, &o).await.unwrap();
        assert!(again.is_empty(), "idempotent: {again:?}");
        holds(&db).await;
    });
}

/// A confirmed collection funds its escrow; a payout batch pays what developers are owed out
/// of the payable account; a failed payout comes back to the balance by new transfers.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn payments_fund_escrows_and_payouts_come_back_when_they_fail() {
    on_all!(|db| {
        demo_one_approver(&db).await;
        let awa = actor(&db, "finance@obryl.test").await;
        let o = Origin::cli();
        let f = store::payments::Filter {
            statuses: vec!["pending".into()],
            directions: vec!["collection".into()],
            ..Default::default()
        };
        let pending = store::payments::page(&mut db.clone(), &f, &Anchor::First, 10)
            .await
            .unwrap()
            .rows;
        let p = pending
            .first()
            .expect("a pending collection in the demo")
            .clone();
        let escrow = p.escrow_id.unwrap();
        assert_eq!(get(&db, escrow).await.status, "awaiting_funds");
        service::payments::confirm(&db, &awa, &o, p.id, "PROVIDER-REF-1")
            .await
            .unwrap();
        let e = get(&db, escrow).await;
        assert_eq!((e.status.as_str(), e.amount_held), ("held", p.amount));
        holds(&db).await;
        // Confirmed twice: refused, nothing written.
        let again = service::payments::confirm(&db, &awa, &o, p.id, "PROVIDER-REF-1").await;
        assert!(again.unwrap_err().is_refusal());

        let owed = store::payouts::payable(&mut db.clone(), 1000)
            .await
            .unwrap();
        let via = |p: &store::payouts::Payable| {
            p.payout_method
                .as_deref()
                .and_then(|m| obryl::domain::PayoutMethod::parse(m).ok())
                .map(|m| m.provider())
        };
        let provider = owed
            .iter()
            .find_map(via)
            .expect("developers owed something in the demo");
        let expected: i64 = owed
            .iter()
            .filter(|p| via(p) == Some(provider))
            .map(|p| p.amount)
            .sum();
        let (batch, payouts) = service::payouts::create_batch(&db, &awa, &o, provider, None)
            .await
            .unwrap();
        assert!(!payouts.is_empty());
        assert_eq!(payouts.iter().map(|p| p.amount).sum::<i64>(), expected);
        for (currency, of) in obryl::office::payout_file::by_currency(&payouts) {
            let file = obryl::office::payout_file::batch_file(&currency, &of).unwrap();
            assert_eq!(file.lines().count(), of.len() + 1, "{file}");
        }
        let left = store::payouts::payable(&mut db.clone(), 1000)
            .await
            .unwrap();
        assert!(left.iter().all(|p| via(p) != Some(provider)));
        assert_eq!(
            store::payouts::batch(&mut db.clone(), &batch)
                .await
                .unwrap()
                .len(),
            payouts.len()
        );
        holds(&db).await;
        let failed = &payouts[0];
        service::payouts::create_batch(&db, &awa, &o, provider, None)
            .await
            .map(|(_, p)| assert!(p.is_empty(), "nothing owed twice"))
            .unwrap();
        service::payments::fail(&db, &awa, &o, failed.payment_id, "compte clôturé")
            .await
            .unwrap();
        let back: i64 = store::payouts::payable(&mut db.clone(), 1000)
            .await
            .unwrap()
            .iter()
            .filter(|p| p.developer_id == failed.developer_id && p.currency == failed.currency)
            .map(|p| p.amount)
            .sum();
        assert_eq!(back, failed.amount, "the failed payout is owed again");
        holds(&db).await;
        service::payments::confirm(&db, &awa, &o, payouts.last().unwrap().payment_id, "CP-OK")
            .await
            .unwrap();
    });
}

/// A statement with one amount changed and one transaction left out reports exactly those.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_statement_reconciles_but_for_its_two_mismatches() {
    on_all!(|db| {
        demo_one_approver(&db).await;
        let rows = store::payments::succeeded_between(
            &mut db.clone(),
            "wave",
            Utc::now() - chrono::Duration::days(3650),
            Utc::now(),
        )
        .await
        .unwrap();
        assert!(rows.len() >= 5, "{}", rows.len());
        let mut lines: Vec<_> = rows
            .iter()
            .map(|p| {
                (
                    p.provider_reference.clone(),
                    p.created_at.unwrap(),
                    p.amount,
                    obryl::domain::Currency::parse(&p.currency).unwrap(),
                    "succeeded".to_owned(),
                )
            })
            .collect();
        let format = obryl::domain::statement::format_of("wave").unwrap();
        let clean = obryl::domain::statement::write(format, &lines);
        let report = office::reconcile::reconcile(&mut db.clone(), "wave", &clean)
            .await
            .unwrap();
        assert!(
            report.reconciles(),
            "{:?}",
            report
                .entries
                .iter()
                .find(|e| e.outcome != office::reconcile::Outcome::Matched)
        );
        lines[2].2 += 1_000;
        lines.remove(3);
        lines.push((
            "wave_unknown".into(),
            lines[1].1,
            5_000,
            obryl::domain::Currency::XOF,
            "succeeded".into(),
        ));
        let text = obryl::domain::statement::write(format, &lines);
        let report = office::reconcile::reconcile(&mut db.clone(), "wave", &text)
            .await
            .unwrap();
        use office::reconcile::Outcome as O;
        assert_eq!(report.count(&O::AmountMismatch), 1);
        assert_eq!(report.count(&O::MissingAtProvider), 1);
        assert_eq!(report.count(&O::MissingOnOurSide), 1);
        assert_eq!(report.count(&O::Matched), lines.len() - 2);
    });
}

/// Above the dual-approval threshold: the first decision is recorded, not carried out; the
/// same person cannot carry it out, another decision waits, a second finance member does.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_large_release_needs_a_second_finance_member() {
    on_all!(|db| {
        demo(&db).await;
        let awa = actor(&db, "finance@obryl.test").await;
        let ibra = actor(&db, "finance2@obryl.test").await;
        let o = Origin::cli();
        let threshold = service::settings::dual_approval_threshold(&mut db.clone(), "XOF")
            .await
            .unwrap()
            .unwrap();
        let e = escrows(&db, "held")
            .await
            .into_iter()
            .find(|e| {
                e.currency == "XOF"
                    && e.amount_held > threshold
                    && matches!(e.project_status.as_str(), "in_progress" | "delivered")
            })
            .expect("a large held escrow in the demo");
        let first = service::escrow::release(&db, &awa, &o, e.id, Take::All, None)
            .await
            .unwrap();
        assert_eq!(first, Decided::FirstApproval);
        let row = get(&db, e.id).await;
        assert_eq!(row.amount_released, 0, "nothing moved yet");
        assert_eq!(row.pending_by, Some(awa.id));
        holds(&db).await;
        // The same person again: four-eyes.
        let same = service::escrow::release(&db, &awa, &o, e.id, Take::All, None).await;
        assert!(
            matches!(
                same,
                Err(ServiceError::FourEyes(service::FourEyes::SameApprover))
            ),
            "{same:?}"
        );
        // Another decision waits for the first.
        let other = service::escrow::refund(&db, &ibra, &o, e.id, Take::All, "no", None).await;
        assert!(
            matches!(other, Err(ServiceError::AwaitingSecond { ref by, .. }) if by == "Awa Diop"),
            "{other:?}"
        );
        // The second finance member carries it out.
        let done = service::escrow::release(&db, &ibra, &o, e.id, Take::All, None)
            .await
            .unwrap()
            .done()
            .expect("carried out");
        assert_eq!(done.amount, e.amount_held);
        let row = get(&db, e.id).await;
        assert_eq!((row.status.as_str(), row.pending_by), ("released", None));
        holds(&db).await;
    });
}

/// Several statuses page as one list: newest first, forward and back, no row twice or missed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn escrows_of_several_statuses_page_as_one_list() {
    on_all!(|db| {
        demo(&db).await;
        let statuses = ["held", "released", "partially_released"];
        let mut expected: Vec<i64> = Vec::new();
        for s in statuses {
            expected.extend(escrows(&db, s).await.iter().map(|e| e.id));
        }
        expected.sort_by(|a, b| b.cmp(a));
        let f = Filter {
            statuses: statuses.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let mut seen = Vec::new();
        let mut anchor = Anchor::First;
        loop {
            let page = store::escrows::page(&mut db.clone(), &f, &anchor, 7)
                .await
                .unwrap();
            seen.extend(page.rows.iter().map(|r| r.id));
            match (page.has_after, page.rows.last()) {
                (true, Some(r)) => anchor = Anchor::After(store::page::Cursor::id(r.id)),
                _ => break,
            }
        }
        assert_eq!(seen, expected);
        let mut back = Vec::new();
        let mut anchor = Anchor::Last;
        loop {
            let page = store::escrows::page(&mut db.clone(), &f, &anchor, 7)
                .await
                .unwrap();
            back.splice(0..0, page.rows.iter().map(|r| r.id));
            match (page.has_before, page.rows.first()) {
                (true, Some(r)) => anchor = Anchor::Before(store::page::Cursor::id(r.id)),
                _ => break,
            }
        }
        assert_eq!(back, expected);
    });
}
