//! Escrows: one per assigned project, funded by the client's collection (after a failed
//! attempt now and then) and held until released or refunded.

use rand::Rng;

use super::ledger::{Books, Inputs, Owner, Turn};
use super::payments::{failure, fee, payment};
use super::{CLIENT_FUNDS, ESCROW, PSP_CLEARING, PSP_FEES, code};
use crate::domain::{Currency, EscrowStatus, ProjectStatus};
use crate::seed::history::{Ev, K, St};
use crate::seed::util::{self, DAY, HOUR, MINUTE, R, Sink, after, between, i, oi, os, ot, s, t};
use crate::service::ServiceError;
use crate::store::{StoreError, schema};

/// How many escrows awaiting funds at least have their collection pending.
const PENDING_SHOWN: u32 = 2;

pub(crate) struct Escrow {
    pub id: i64,
    pub project: usize,
    pub currency: Currency,
    pub held: i64,
    pub released: i64,
    pub refunded: i64,
    pub status: EscrowStatus,
    pub provider: Option<&'static str>,
    pub hold: Option<i64>,
    pub created: i64,
    pub updated: i64,
    pub lock_version: i64,
}

pub(super) fn esc_index(s: EscrowStatus) -> i64 {
    EscrowStatus::ALL.iter().position(|x| *x == s).unwrap_or(0) as i64
}

/// The project's escrow and the client's money into it: the collection, the provider's fee
/// and the hold, with when the money arrived. An escrow that was never funded (awaiting
/// funds, or expired with its cancelled project) is put with the others: `None`.
pub(super) fn fund(
    rng: &mut R,
    inputs: &Inputs,
    turn: &Turn,
    books: &mut Books,
    events: &mut Vec<Ev>,
) -> Result<Option<(Escrow, i64)>, ServiceError> {
    use ProjectStatus as P;
    let (seed, a) = (inputs.terms.seed, inputs.terms.a);
    let Turn {
        k,
        p,
        agreed,
        assigned,
        provider,
        escrow_id,
        ..
    } = *turn;
    let Books {
        transfers,
        escrows,
        payments,
        pending_shown,
    } = books;
    // When the client's money arrived (before work started), if it did.
    let fund_at = match (p.status, p.started_at) {
        (_, Some(started)) => {
            Some(between(rng, assigned + HOUR, started - MINUTE, started - MINUTE).max(assigned))
        }
        (P::Assigned, None) => rng
            .random_bool(0.5)
            .then(|| after(rng, assigned, 2 * HOUR, 3 * DAY, a - MINUTE)),
        (P::Cancelled, None) => {
            let until = p.cancelled_at.unwrap_or(a);
            rng.random_bool(0.5)
                .then(|| between(rng, assigned + HOUR, until - HOUR, until - HOUR).max(assigned))
        }
        _ => None,
    };
    let mut esc = Escrow {
        id: escrow_id,
        project: k,
        currency: p.currency,
        held: 0,
        released: 0,
        refunded: 0,
        status: EscrowStatus::AwaitingFunds,
        provider: Some(provider),
        hold: None,
        created: assigned,
        updated: assigned,
        lock_version: 0,
    };
    let Some(fund_at) = fund_at else {
        let drawn = p.status != P::Cancelled && rng.random_bool(0.5);
        // The first two escrows awaiting funds always have their collection on the way
        // (pending), so the payments list has one to confirm and one to fail; drawn from
        // streams of their own, so nothing else generated changes. The second arrived a
        // minute before now: the newest transaction, it renumbers none of the others.
        let waiting = p.status != P::Cancelled && !drawn && *pending_shown < PENDING_SHOWN;
        if p.status == P::Cancelled {
            esc.status = EscrowStatus::Expired;
            esc.updated = p.cancelled_at.unwrap_or(a);
            esc.lock_version = 1;
        } else if waiting {
            let first = *pending_shown == 0;
            *pending_shown += 1;
            let mut extra = if first {
                util::rng(seed, "pending-collection")
            } else {
                util::rng(seed, "pending-collection-2")
            };
            let at = if first {
                after(&mut extra, assigned, 10 * MINUTE, DAY, a - MINUTE)
            } else {
                (a - MINUTE).max(assigned)
            };
            payments.push(payment(
                &mut extra,
                provider,
                p,
                Some(escrow_id),
                "collection",
                agreed,
                "pending",
                None,
                at,
                at,
            ));
        } else if drawn {
            let at = after(rng, assigned, 10 * MINUTE, DAY, a - MINUTE);
            let status = if rng.random_bool(0.5) && *pending_shown > 0 {
                "initiated"
            } else {
                "pending"
            };
            if status == "pending" {
                *pending_shown += 1;
            }
            payments.push(payment(
                rng,
                provider,
                p,
                Some(escrow_id),
                "collection",
                agreed,
                status,
                None,
                at,
                at,
            ));
        }
        escrows.push(esc);
        return Ok(None);
    };
    if rng.random_bool(0.1) {
        let at = fund_at - rng.random_range(10 * MINUTE..2 * HOUR);
        let reason = failure(rng, provider);
        payments.push(payment(
            rng,
            provider,
            p,
            Some(escrow_id),
            "collection",
            agreed,
            "failed",
            Some(reason),
            at,
            at + 2 * MINUTE,
        ));
    }
    payments.push(payment(
        rng,
        provider,
        p,
        Some(escrow_id),
        "collection",
        agreed,
        "succeeded",
        None,
        fund_at - 3 * MINUTE,
        fund_at,
    ));
    turn.push(
        transfers,
        fund_at,
        PSP_CLEARING,
        CLIENT_FUNDS,
        agreed,
        code::COLLECTION,
        p.id,
        0,
        Owner::None,
    );
    let fee = fee(provider, agreed, p.currency)?;
    turn.push(
        transfers,
        fund_at,
        PSP_FEES,
        PSP_CLEARING,
        fee,
        code::PSP_FEE,
        p.id,
        0,
        Owner::None,
    );
    // Held seconds after the money arrived, never after the anchor.
    let hold_at = (fund_at + rng.random_range(5..120)).min(a);
    turn.push(
        transfers,
        hold_at,
        CLIENT_FUNDS,
        ESCROW,
        agreed,
        code::HOLD,
        p.id,
        0,
        Owner::Hold(escrows.len()),
    );
    esc.held = agreed;
    esc.status = EscrowStatus::Held;
    esc.updated = hold_at;
    esc.lock_version = 1;
    let mut ev = Ev::new(hold_at, 0, K::Held, St::Escrow, escrow_id);
    ev.a = agreed;
    events.push(ev);
    Ok(Some((esc, fund_at)))
}

/// The escrows table.
pub(super) async fn write(
    w: &crate::seed::World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let m = &w.money;
    let mut table = sink.table(schema::ESCROWS, m.escrows.len() as u64);
    for e in &m.escrows {
        table
            .push(vec![
                i(e.id),
                i(w.projects[e.project].id),
                s(e.currency.code()),
                i(e.held),
                i(e.released),
                i(e.refunded),
                s(e.status.as_str()),
                os(e.provider),
                oi(e.hold),
                i(e.lock_version),
                t(e.created),
                t(e.updated),
                util::no_json(),
                oi(None),
                ot(None),
            ])
            .await?;
    }
    report.push(table.finish().await?);
    Ok(())
}
