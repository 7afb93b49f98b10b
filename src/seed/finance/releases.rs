//! What leaves an escrow: releases to the developer (milestones, then the rest), commissions
//! and contributors paid from it, the payouts that follow, refunds and disputes.

use rand::Rng;

use super::escrows::{Escrow, esc_index};
use super::ledger::{Books, Inputs, Owner, Transfer, Turn};
use super::payments::{Payment, payment, payout_provider};
use super::{
    CLIENT_FUNDS, CONTRIBUTOR_PAYABLE, DEVELOPER_PAYABLE, ESCROW, PLATFORM_REVENUE, PSP_CLEARING,
    Terms, code, cur_index,
};
use crate::domain::{
    CommissionStatus, Currency, EscrowStatus, ExtBasis, PayoutMethod, ProjectStatus, split,
};
use crate::seed::history::{Ev, K, St};
use crate::seed::projects::Project;
use crate::seed::util::{self, DAY, HOUR, MINUTE, R, after, between, pick, weighted};
use crate::seed::{FINANCE, OPS};
use crate::service::ServiceError;

/// Releases out of the funded escrow as the work goes on and ends, the payouts that follow,
/// then a dispute or a refund of what is left.
pub(super) fn settle(
    rng: &mut R,
    inputs: &Inputs,
    turn: &Turn,
    esc: &mut Escrow,
    fund_at: i64,
    books: &mut Books,
    events: &mut Vec<Ev>,
) -> Result<(), ServiceError> {
    use ProjectStatus as P;
    let Inputs {
        terms,
        commissions,
        exts,
        live_commission,
        project_exts,
    } = inputs;
    let a = terms.a;
    let Turn {
        k,
        p,
        agreed,
        cur,
        developer,
        provider,
        escrow_id,
        ..
    } = *turn;
    let Books {
        transfers,
        payments,
        ..
    } = books;

    // Releases out of escrow, in time order: (at, amount, to account, code, owner, n)
    let mut releases: Vec<(i64, i64, u8, u8, Owner, u8)> = Vec::new();
    let live = live_commission[k].map(|c| &commissions[c]);
    // Without a live commission the platform's share is taken at the rate in force, as the
    // service takes it (`service::escrow::parts`), so `ledger verify` finds every part due.
    let rate = live.map_or(terms.rate_now, |c| c.rate);
    let ext_live: Vec<usize> = project_exts[k]
        .iter()
        .copied()
        .filter(|e| {
            matches!(
                exts[*e].d.status,
                CommissionStatus::Pending | CommissionStatus::Approved | CommissionStatus::Paid
            )
        })
        .collect();
    let bases: Vec<ExtBasis> = ext_live
        .iter()
        .map(|e| ExtBasis::Fixed(exts[*e].amount))
        .collect();
    let parts = split(agreed, rate, &bases)?;
    let dev_share = parts.developer_net;
    let started = p.started_at.unwrap_or(fund_at);
    // Milestones: part of the developer's share released while the work goes on.
    let milestones: u8 = match p.status {
        P::Completed => [0, 1, 2][weighted(rng, &[30, 40, 30])],
        P::InProgress | P::Delivered | P::RevisionRequested => u8::from(rng.random_bool(0.25)),
        _ => 0,
    };
    let mut released_dev = 0;
    let until = p.delivered_at.unwrap_or(a);
    let step = if p.currency == Currency::EUR {
        100
    } else {
        1_000
    };
    let mut at = started;
    for n in 1..=milestones {
        let span = (until - started) / (i64::from(milestones) + 1);
        at = between(rng, at + DAY, started + span * i64::from(n), a - 2 * MINUTE).max(at);
        let tranche = util::round_to(dev_share as f64 * 0.3, step).min(dev_share - released_dev);
        if tranche <= 0 {
            break;
        }
        releases.push((
            at,
            tranche,
            DEVELOPER_PAYABLE,
            code::RELEASE,
            Owner::None,
            n,
        ));
        released_dev += tranche;
    }
    if p.status == P::Completed {
        let done = p.completed_at.unwrap_or(a);
        let at = after(rng, done, HOUR, DAY, a - MINUTE);
        releases.push((
            at,
            dev_share - released_dev,
            DEVELOPER_PAYABLE,
            code::RELEASE,
            Owner::None,
            milestones + 1,
        ));
        if let (Some(c), Some(ci)) = (live, live_commission[k]) {
            if let Some((_, paid_at)) = c.d.paid {
                releases.push((
                    paid_at,
                    c.amount,
                    PLATFORM_REVENUE,
                    code::COMMISSION,
                    Owner::Commission(ci),
                    0,
                ));
            }
        } else if done < terms.launch {
            releases.push((
                at,
                parts.platform,
                PLATFORM_REVENUE,
                code::PLATFORM_FEE,
                Owner::None,
                0,
            ));
        }
        for e in &ext_live {
            if let Some((_, paid_at)) = exts[*e].d.paid {
                releases.push((
                    paid_at,
                    exts[*e].amount,
                    CONTRIBUTOR_PAYABLE,
                    code::CONTRIBUTOR,
                    Owner::Ext(*e),
                    0,
                ));
            }
        }
    }
    releases.sort_by_key(|r| r.0);
    for (at, amount, to, code_, owner, n) in releases {
        if amount <= 0 {
            continue;
        }
        let key_ref = match owner {
            Owner::Commission(c) => commissions[c].id,
            Owner::Ext(e) => exts[e].id,
            _ => p.id,
        };
        turn.push(transfers, at, ESCROW, to, amount, code_, key_ref, n, owner);
        let before = esc.released;
        esc.released += amount;
        esc.updated = esc.updated.max(at);
        esc.lock_version += 1;
        esc.status = if esc.released == esc.held {
            EscrowStatus::Released
        } else {
            EscrowStatus::PartiallyReleased
        };
        let mut ev = Ev::new(
            at,
            if code_ == code::RELEASE {
                0
            } else {
                pick(rng, &FINANCE)
            },
            K::Released,
            St::Escrow,
            escrow_id,
        );
        (ev.a, ev.b, ev.c) = (before, esc.released, esc_index(esc.status));
        events.push(ev);
        // Money leaves the platform a little later: to the developer's wallet or account.
        if code_ == code::RELEASE {
            let out = after(rng, at, 2 * HOUR, 2 * DAY, a - MINUTE);
            if out < a - MINUTE {
                let d = developer.dev.as_ref();
                let provider = payout_provider(d.map_or(PayoutMethod::Bank, |d| d.payout));
                let payout = payment(
                    rng,
                    provider,
                    p,
                    Some(escrow_id),
                    "payout",
                    amount,
                    "succeeded",
                    None,
                    out,
                    (out + 5 * MINUTE).min(a),
                );
                // Releases of the last three days wait on the developer's payable
                // balance; those of two and three days ago paid through Wave are in the
                // batch sent this morning, waiting to be marked sent.
                let batch_at = a - 30 * MINUTE;
                if at >= a - 3 * DAY && at < a - DAY && provider == "wave" && at < batch_at {
                    transfers.push(Transfer {
                        at: batch_at,
                        amount,
                        key_ref: p.id,
                        project: p.id,
                        debit: DEVELOPER_PAYABLE,
                        credit: PSP_CLEARING,
                        cur,
                        code: code::PAYOUT,
                        key_n: n,
                        owner: Owner::Payout(payments.len()),
                        batched: true,
                    });
                    payments.push(Payment {
                        status: "pending",
                        batched: true,
                        created: batch_at,
                        updated: batch_at,
                        ..payout
                    });
                } else if at < a - 3 * DAY {
                    turn.push(
                        transfers,
                        out,
                        DEVELOPER_PAYABLE,
                        PSP_CLEARING,
                        amount,
                        code::PAYOUT,
                        p.id,
                        n,
                        Owner::Payout(payments.len()),
                    );
                    payments.push(payout);
                }
            }
        } else if let Owner::Ext(e) = owner {
            let out = after(rng, at, HOUR, 2 * DAY, a - MINUTE);
            if out < a - MINUTE {
                turn.push(
                    transfers,
                    out,
                    CONTRIBUTOR_PAYABLE,
                    PSP_CLEARING,
                    amount,
                    code::CONTRIBUTOR_PAYOUT,
                    exts[e].id,
                    0,
                    Owner::None,
                );
            }
        }
    }
    match p.status {
        P::Disputed => {
            let at = p
                .hist
                .iter()
                .rev()
                .find(|h| h.0 == P::Disputed)
                .map_or(a, |h| h.1);
            let mut ev = Ev::new(at.max(esc.updated), OPS, K::Disputed, St::Escrow, escrow_id);
            ev.a = esc_index(esc.status);
            events.push(ev);
            esc.status = EscrowStatus::Disputed;
            esc.updated = esc.updated.max(at);
            esc.lock_version += 1;
        }
        P::Cancelled => {
            let at =
                after(rng, p.cancelled_at.unwrap_or(a), HOUR, 2 * DAY, a - MINUTE).max(esc.updated);
            let amount = esc.held - esc.released;
            turn.push(
                transfers,
                at,
                ESCROW,
                CLIENT_FUNDS,
                amount,
                code::REFUND,
                p.id,
                0,
                Owner::None,
            );
            let out = (at + rng.random_range(60..3_600)).min(a);
            turn.push(
                transfers,
                out,
                CLIENT_FUNDS,
                PSP_CLEARING,
                amount,
                code::REFUND_PAYOUT,
                p.id,
                0,
                Owner::None,
            );
            payments.push(payment(
                rng,
                provider,
                p,
                Some(escrow_id),
                "refund",
                amount,
                "succeeded",
                None,
                at,
                out,
            ));
            let mut ev = Ev::new(at, pick(rng, &FINANCE), K::Refunded, St::Escrow, escrow_id);
            (ev.a, ev.b) = (esc_index(esc.status), amount);
            events.push(ev);
            esc.refunded = amount;
            esc.status = EscrowStatus::Refunded;
            esc.updated = at;
            esc.lock_version += 1;
        }
        _ => {}
    }
    Ok(())
}

/// One escrow partly refunded while the work goes on (the scope was reduced), drawn from a
/// stream of its own so nothing else generated changes.
pub(super) fn partial_refund(
    terms: &Terms,
    projects: &[Project],
    books: &mut Books,
    events: &mut Vec<Ev>,
) {
    let (seed, a) = (terms.seed, terms.a);
    let Books {
        transfers, escrows, ..
    } = books;
    if let Some(k) = escrows.iter().position(|e| {
        e.status == EscrowStatus::Held && projects[e.project].status == ProjectStatus::InProgress
    }) {
        let mut extra = util::rng(seed, "partial-refund");
        let e = &mut escrows[k];
        let p = &projects[e.project];
        let step = if p.currency == Currency::EUR {
            100
        } else {
            1_000
        };
        let amount = util::round_to(e.held as f64 / 3.0, step).min(e.held);
        let at = after(&mut extra, e.updated, HOUR, 2 * DAY, a - MINUTE);
        transfers.push(Transfer {
            at,
            amount,
            key_ref: p.id,
            project: p.id,
            debit: ESCROW,
            credit: CLIENT_FUNDS,
            cur: cur_index(p.currency),
            code: code::REFUND,
            key_n: 0,
            owner: Owner::None,
            batched: false,
        });
        let mut ev = Ev::new(
            at,
            pick(&mut extra, &FINANCE),
            K::Refunded,
            St::Escrow,
            e.id,
        );
        (ev.a, ev.b, ev.c) = (
            esc_index(e.status),
            amount,
            esc_index(EscrowStatus::PartiallyRefunded),
        );
        events.push(ev);
        e.refunded = amount;
        e.status = EscrowStatus::PartiallyRefunded;
        e.updated = at;
        e.lock_version += 1;
    }
}
