//! The four-eyes decisions shared by commissions, external commissions and rewards: stamps
//! consistent with a status, the audit events they make and the columns they are written as.

use rand::Rng;

use crate::domain::CommissionStatus;
use crate::seed::history::{Ev, K, St};
use crate::seed::util::{self, DAY, HOUR, MINUTE, R, after, i, oi, os, ot, pick, s, t, weighted};
use crate::seed::words::WORDS;
use crate::seed::{ADMIN, FINANCE};

/// The four-eyes workflow columns shared by commissions, external commissions and rewards.
#[derive(Clone, Debug)]
pub(crate) struct Decision {
    pub status: CommissionStatus,
    pub created: i64,
    pub first: Option<(i64, i64)>,
    pub approved: Option<(i64, i64)>,
    pub rejected: Option<(i64, i64, &'static str)>,
    pub paid: Option<(i64, i64)>,
    pub cancelled: Option<(i64, i64)>,
    pub transfer: Option<i64>,
    pub updated: i64,
    pub lock_version: i64,
}

fn approver(rng: &mut R, not: Option<i64>) -> i64 {
    loop {
        let who = [FINANCE[0], FINANCE[1], ADMIN][weighted(rng, &[45, 40, 15])];
        if Some(who) != not {
            return who;
        }
    }
}

/// Stamps consistent with `status`, all in [created, anchor].
pub(super) fn decide(
    rng: &mut R,
    status: CommissionStatus,
    created: i64,
    dual: bool,
    first_in: bool,
    a: i64,
) -> Decision {
    use CommissionStatus::*;
    // A request of the last hours cannot have gone through every step yet.
    let room = a - created;
    let status = match status {
        Paid if room < 6 * HOUR => Approved,
        s => s,
    };
    let status = match status {
        Approved | Rejected | Cancelled if room < 2 * HOUR => Pending,
        s => s,
    };
    let mut d = Decision {
        status,
        created,
        first: None,
        approved: None,
        rejected: None,
        paid: None,
        cancelled: None,
        transfer: None,
        updated: created,
        lock_version: 0,
    };
    let approve = |rng: &mut R, d: &mut Decision| {
        let mut at = created;
        let mut first = None;
        if dual {
            let who = pick(rng, &FINANCE);
            at = after(rng, at, HOUR, 2 * DAY, a);
            d.first = Some((who, at));
            first = Some(who);
            d.lock_version += 1;
        }
        at = after(rng, at, 30 * MINUTE, 3 * DAY, a);
        d.approved = Some((approver(rng, first), at));
        d.lock_version += 1;
        at
    };
    let last = match status {
        Pending => {
            if first_in {
                let at = after(rng, created, HOUR, 20 * HOUR, a);
                d.first = Some((FINANCE[1], at));
                d.lock_version += 1;
                at
            } else {
                created
            }
        }
        Approved => approve(rng, &mut d),
        Paid => {
            let at = approve(rng, &mut d);
            let at = after(rng, at, 2 * HOUR, 5 * DAY, a);
            d.paid = Some((pick(rng, &FINANCE), at));
            d.lock_version += 1;
            at
        }
        Rejected => {
            let at = after(rng, created, 2 * HOUR, 4 * DAY, a);
            d.rejected = Some((approver(rng, None), at, pick(rng, &WORDS.rejections)));
            d.lock_version += 1;
            at
        }
        Cancelled => {
            let from = if rng.random_bool(0.4) {
                approve(rng, &mut d)
            } else {
                created
            };
            let at = after(rng, from, 2 * HOUR, 4 * DAY, a);
            d.cancelled = Some((pick(rng, &FINANCE), at));
            d.lock_version += 1;
            at
        }
    };
    d.updated = last;
    d
}

/// Decision events for the audit trail (the creation is pushed by the caller).
pub(super) fn decision_events(d: &Decision, st: St, id: i64, events: &mut Vec<Ev>) {
    if let Some((by, at)) = d.first {
        events.push(Ev::new(at, by, K::FirstApproved, st, id));
    }
    if let Some((by, at)) = d.approved {
        events.push(Ev::new(at, by, K::Approved, st, id));
    }
    if let Some((by, at, _)) = d.rejected {
        events.push(Ev::new(at, by, K::Rejected, st, id));
    }
    if let Some((by, at)) = d.paid {
        events.push(Ev::new(at, by, K::Paid, st, id));
    }
    if let Some((by, at)) = d.cancelled {
        let mut ev = Ev::new(at, by, K::Cancelled, st, id);
        ev.a = i64::from(d.approved.is_some());
        events.push(ev);
    }
}

/// Natural decision by age: older requests are decided, recent ones wait in the queue.
pub(super) fn natural_status(
    rng: &mut R,
    age: i64,
    completed: bool,
    live_only: bool,
) -> CommissionStatus {
    use CommissionStatus::*;
    let table: [(CommissionStatus, u32); 5] = if !completed {
        [
            (Pending, 55),
            (Approved, 30),
            (Rejected, 8),
            (Cancelled, 7),
            (Paid, 0),
        ]
    } else if age < 5 * DAY {
        [
            (Pending, 65),
            (Approved, 25),
            (Paid, 10),
            (Rejected, 0),
            (Cancelled, 0),
        ]
    } else if age < 21 * DAY {
        [
            (Pending, 20),
            (Approved, 25),
            (Paid, 45),
            (Rejected, 5),
            (Cancelled, 5),
        ]
    } else {
        [
            (Paid, 88),
            (Approved, 3),
            (Rejected, 5),
            (Cancelled, 4),
            (Pending, 0),
        ]
    };
    let weights: Vec<u32> = table
        .iter()
        .map(|(s, w)| {
            if live_only && matches!(s, Rejected | Cancelled) {
                0
            } else {
                *w
            }
        })
        .collect();
    table[weighted(rng, &weights)].0
}

pub(super) fn decision_row(d: &Decision) -> Vec<sea_query::Value> {
    vec![
        s(d.status.as_str()),
        oi(d.first.map(|f| f.0)),
        ot(d.first.map(|f| f.1)),
        oi(d.approved.map(|x| x.0)),
        ot(d.approved.map(|x| x.1)),
        oi(d.rejected.map(|x| x.0)),
        ot(d.rejected.map(|x| x.1)),
        os(d.rejected.map(|x| x.2)),
        oi(d.paid.map(|x| x.0)),
        ot(d.paid.map(|x| x.1)),
        os(d.paid.map(|x| payment_reference(x.1, d.transfer))),
        oi(d.cancelled.map(|x| x.0)),
        ot(d.cancelled.map(|x| x.1)),
        oi(d.transfer),
        i(d.lock_version),
        t(d.created),
        t(d.updated),
    ]
}

/// What finance types when marking a commission paid.
pub(crate) fn payment_reference(at: i64, transfer: Option<i64>) -> String {
    format!("VIR-{}-{:06}", util::year(at), transfer.unwrap_or_default())
}
