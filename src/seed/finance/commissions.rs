//! Platform commissions on delivered projects and external contributors' commissions, paid
//! out of the developer's share, each through the four-eyes workflow.

use rand::Rng;

use super::Terms;
use super::decisions::{Decision, decide, decision_events, decision_row, natural_status};
use crate::domain::{
    CommissionStatus, Currency, ExtBasis, ProjectStatus, commission_amount, split,
};
use crate::seed::history::{Ev, K, St};
use crate::seed::people::User;
use crate::seed::projects::Project;
use crate::seed::util::{
    self, DAY, HOUR, MINUTE, R, Sink, after, between, i, oi, os, pick, s, weighted,
};
use crate::seed::words::WORDS;
use crate::seed::{OPS, Plan};
use crate::service::ServiceError;
use crate::store::{StoreError, schema};

pub(crate) struct Commission {
    pub id: i64,
    /// Index into `World::projects`.
    pub project: usize,
    pub gross: i64,
    pub rate: i64,
    pub amount: i64,
    pub currency: Currency,
    pub d: Decision,
}

pub(crate) enum Contributor {
    User(i64),
    External {
        name: String,
        email: String,
        phone: String,
    },
}

pub(crate) struct Ext {
    pub id: i64,
    pub project: usize,
    pub contributor: Contributor,
    pub role: &'static str,
    pub rate: Option<i64>,
    pub amount: i64,
    pub currency: Currency,
    pub d: Decision,
}

/// Platform commissions: requested when a project is delivered, decided as they age; a
/// rejected or cancelled one is often requested again.
pub(super) fn commissions(
    terms: &Terms,
    projects: &[Project],
    events: &mut Vec<Ev>,
) -> Result<Vec<Commission>, ServiceError> {
    let (seed, a) = (terms.seed, terms.a);
    let mut rng = util::rng(seed, "commissions");
    let eligible = |p: &Project| {
        matches!(
            p.status,
            ProjectStatus::Delivered | ProjectStatus::Completed
        ) && p.agreed.is_some()
            && p.completed_at
                .or(p.delivered_at)
                .is_some_and(|at| at >= terms.launch)
    };
    let mut commissions: Vec<Commission> = Vec::new();
    for (k, p) in projects.iter().enumerate() {
        if !eligible(p) {
            continue;
        }
        use crate::seed::projects::Flag;
        let completed = p.status == ProjectStatus::Completed;
        let base = p.completed_at.or(p.delivered_at).unwrap_or(p.updated);
        let created = after(&mut rng, base, 2 * HOUR, 2 * DAY, a - MINUTE);
        let gross = p.agreed.unwrap_or(p.budget);
        let rate = terms.rate_at(created);
        let amount = commission_amount(gross, rate)?;
        let dual = amount > terms.threshold(p.currency);
        let status = match p.flag {
            Flag::None => natural_status(&mut rng, a - created, completed, false),
            _ => CommissionStatus::Pending,
        };
        let d = decide(&mut rng, status, created, dual, p.flag == Flag::BigFirst, a);
        let (end, status) = (d.updated, d.status);
        commissions.push(Commission {
            id: 0,
            project: k,
            gross,
            rate,
            amount,
            currency: p.currency,
            d,
        });
        if matches!(
            status,
            CommissionStatus::Rejected | CommissionStatus::Cancelled
        ) && rng.random_bool(0.7)
        {
            let created = after(&mut rng, end, HOUR, 5 * DAY, a - MINUTE);
            if created < a - MINUTE {
                let rate = terms.rate_at(created);
                let amount = commission_amount(gross, rate)?;
                let status = natural_status(&mut rng, a - created, completed, true);
                let d = decide(
                    &mut rng,
                    status,
                    created,
                    amount > terms.threshold(p.currency),
                    false,
                    a,
                );
                commissions.push(Commission {
                    id: 0,
                    project: k,
                    gross,
                    rate,
                    amount,
                    currency: p.currency,
                    d,
                });
            }
        }
    }
    commissions.sort_by_key(|c| c.d.created);
    for (k, c) in commissions.iter_mut().enumerate() {
        c.id = k as i64 + 1;
        events.push(Ev::new(c.d.created, OPS, K::Created, St::Commission, c.id));
        decision_events(&c.d, St::Commission, c.id, events);
    }
    Ok(commissions)
}

/// External contributors, paid out of the developer's share.
pub(super) fn externals(
    plan: &Plan,
    terms: &Terms,
    users: &[User],
    projects: &[Project],
    events: &mut Vec<Ev>,
) -> Vec<Ext> {
    let (seed, a) = (terms.seed, terms.a);
    let mut rng = util::rng(seed, "ext_commissions");
    let devs: Vec<i64> = users
        .iter()
        .filter(|u| u.dev.is_some())
        .map(|u| u.id)
        .collect();
    let mut exts: Vec<Ext> = Vec::new();
    for (k, p) in projects.iter().enumerate() {
        use ProjectStatus as P;
        let (Some(agreed), Some(dev), Some(started)) = (p.agreed, p.dev, p.started_at) else {
            continue;
        };
        if !matches!(
            p.status,
            P::InProgress | P::Delivered | P::RevisionRequested | P::Completed
        ) {
            continue;
        }
        if !rng.random_bool(plan.ext_share) {
            continue;
        }
        let completed = p.status == P::Completed;
        let rate = terms.rate_at(started);
        let mut bases: Vec<ExtBasis> = Vec::new();
        let count = if rng.random_bool(0.15) { 2 } else { 1 };
        for _ in 0..count {
            let (role, fixed) = pick(&mut rng, &WORDS.ext_roles);
            let (basis, ext_rate) = if rng.random_bool(0.6) {
                let amount = match p.currency {
                    Currency::EUR => util::round_to(fixed as f64 * 100.0 / 656.0, 500),
                    _ => fixed,
                };
                (ExtBasis::Fixed(amount), None)
            } else {
                let bps = pick(&mut rng, &[500, 800, 1_000, 1_500]);
                (ExtBasis::Percent(bps), Some(bps))
            };
            let mut trial = bases.clone();
            trial.push(basis);
            let Ok(parts) = split(agreed, rate, &trial) else {
                continue;
            };
            bases = trial;
            let amount = *parts.external.last().unwrap_or(&0);
            let contributor = if rng.random_bool(0.5) {
                let c = pick(&mut rng, &devs);
                if c != dev && c != p.client {
                    Contributor::User(c)
                } else {
                    external(&mut rng)
                }
            } else {
                external(&mut rng)
            };
            let end = p.delivered_at.unwrap_or(a);
            let created = between(&mut rng, started + DAY, end, a - MINUTE).max(started);
            let status = natural_status(&mut rng, a - created, completed, false);
            let d = decide(&mut rng, status, created, false, false, a);
            exts.push(Ext {
                id: 0,
                project: k,
                contributor,
                role,
                rate: ext_rate,
                amount,
                currency: p.currency,
                d,
            });
        }
    }
    // Every external status the queue filters on is present.
    for want in [
        CommissionStatus::Paid,
        CommissionStatus::Approved,
        CommissionStatus::Pending,
    ] {
        if exts.iter().any(|e| e.d.status == want) {
            continue;
        }
        let count =
            |s: CommissionStatus, exts: &[Ext]| exts.iter().filter(|e| e.d.status == s).count();
        let pos = (0..exts.len()).rev().find(|&k| {
            let e = &exts[k];
            count(e.d.status, &exts) > 1
                && (want != CommissionStatus::Paid
                    || projects[e.project].status == ProjectStatus::Completed)
        });
        if let Some(k) = pos {
            let created = exts[k].d.created;
            exts[k].d = decide(&mut rng, want, created, false, false, a);
        }
    }
    exts.sort_by_key(|e| e.d.created);
    for (k, e) in exts.iter_mut().enumerate() {
        e.id = k as i64 + 1;
        events.push(Ev::new(
            e.d.created,
            OPS,
            K::Created,
            St::ExtCommission,
            e.id,
        ));
        decision_events(&e.d, St::ExtCommission, e.id, events);
    }
    exts
}

fn external(rng: &mut R) -> Contributor {
    let (first, _) = pick(rng, &WORDS.first);
    let last = pick(rng, &WORDS.last);
    let name = format!("{first} {last}");
    let email = format!(
        "{}@example.com",
        crate::domain::slugify(&name).replace('-', ".")
    );
    let city = weighted(rng, &WORDS.city_weights);
    let phone = crate::seed::people::phone(rng, city);
    Contributor::External { name, email, phone }
}

pub(in crate::seed) async fn write(
    w: &crate::seed::World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let m = &w.money;
    let mut table = sink.table(schema::COMMISSIONS, m.commissions.len() as u64);
    for c in &m.commissions {
        let mut row = vec![
            i(c.id),
            i(w.projects[c.project].id),
            i(c.gross),
            i(c.rate),
            i(c.amount),
            s(c.currency.code()),
            i(OPS),
        ];
        row.extend(decision_row(&c.d));
        table.push(row).await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::EXT_COMMISSIONS, m.exts.len() as u64);
    for e in &m.exts {
        let (user, name, email, phone) = match &e.contributor {
            Contributor::User(u) => (Some(*u), None, None, None),
            Contributor::External { name, email, phone } => (
                None,
                Some(name.clone()),
                Some(email.clone()),
                Some(phone.clone()),
            ),
        };
        let mut row = vec![
            i(e.id),
            i(w.projects[e.project].id),
            oi(user),
            os(name),
            os(email),
            os(phone),
            s(e.role),
            s(if e.rate.is_some() { "percent" } else { "fixed" }),
            oi(e.rate),
            i(e.amount),
            s(e.currency.code()),
            i(OPS),
        ];
        row.extend(decision_row(&e.d));
        table.push(row).await?;
    }
    report.push(table.finish().await?);
    Ok(())
}
