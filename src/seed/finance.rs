//! Money: platform commissions and external contributors' commissions (four-eyes decisions),
//! referrals and their rewards, and the double-entry ledger behind it (collections, escrow
//! holds, releases, payouts, refunds) with escrows and PSP payment transactions.

use rand::Rng;
use serde_json::Value as JsonValue;

use super::history::{Ev, K, St};
use super::people::User;
use super::projects::Project;
use super::util::{
    self, Clock, DAY, HOUR, MINUTE, R, Sink, after, between, i, oi, os, ot, pick, s, t, weighted,
};
use super::words::WORDS;
use super::{ADMIN, FINANCE, OPS, Plan};
use crate::domain::{
    CommissionStatus, Currency, EscrowStatus, ExtBasis, PayoutMethod, ProjectStatus,
    commission_amount, split,
};
use crate::service::ServiceError;
use crate::service::bootstrap::{default_settings, keys};
use crate::store::{StoreError, schema};

/// The three currencies the generated projects use, in ledger-account order.
pub(crate) const CURRENCIES: [Currency; 3] = [Currency::XOF, Currency::XAF, Currency::EUR];
/// Ledger account kinds; each currency has one account of each, `code == kind`.
pub(crate) const KINDS: [&str; 8] = [
    "psp_clearing",
    "client_funds",
    "escrow",
    "developer_payable",
    "contributor_payable",
    "referral_payable",
    "platform_revenue",
    "psp_fees",
];
const PSP_CLEARING: u8 = 0;
const CLIENT_FUNDS: u8 = 1;
const ESCROW: u8 = 2;
const DEVELOPER_PAYABLE: u8 = 3;
const CONTRIBUTOR_PAYABLE: u8 = 4;
const REFERRAL_PAYABLE: u8 = 5;
const PLATFORM_REVENUE: u8 = 6;
const PSP_FEES: u8 = 7;

/// Transfer codes (the `code` column). 2 and 3 are the ones the back-office posts when staff
/// mark a commission paid.
pub(crate) mod code {
    pub const COLLECTION: u8 = 1;
    pub const COMMISSION: u8 = 2;
    pub const CONTRIBUTOR: u8 = 3;
    pub const HOLD: u8 = 4;
    pub const RELEASE: u8 = 5;
    pub const PAYOUT: u8 = 6;
    pub const PSP_FEE: u8 = 7;
    pub const REFUND: u8 = 8;
    pub const REFUND_PAYOUT: u8 = 9;
    pub const REFERRAL: u8 = 10;
    pub const CONTRIBUTOR_PAYOUT: u8 = 11;
    /// The old platform's fee, taken at release before commissions were requested and approved.
    pub const PLATFORM_FEE: u8 = 12;
}

pub(crate) fn cur_index(c: Currency) -> u8 {
    CURRENCIES.iter().position(|x| *x == c).unwrap_or(0) as u8
}

pub(crate) fn account_id(cur: u8, kind: u8) -> i64 {
    i64::from(cur) * KINDS.len() as i64 + i64::from(kind) + 1
}

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
fn decide(
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
fn decision_events(d: &Decision, st: St, id: i64, events: &mut Vec<Ev>) {
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
fn natural_status(rng: &mut R, age: i64, completed: bool, live_only: bool) -> CommissionStatus {
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

pub(crate) struct RefCode {
    pub id: i64,
    pub user: i64,
    pub code: String,
    pub rate_bps: i64,
    pub max_uses: Option<i64>,
    pub uses: i64,
    pub expires: Option<i64>,
    pub created: i64,
    pub updated: i64,
}

pub(crate) struct Referral {
    pub id: i64,
    pub code: usize,
    pub referrer: i64,
    pub referred: i64,
    pub created: i64,
}

pub(crate) struct Reward {
    pub id: i64,
    pub referral: i64,
    pub commission: usize,
    pub amount: i64,
    pub currency: Currency,
    pub status: CommissionStatus,
    pub transfer: Option<i64>,
    pub created: i64,
    pub updated: i64,
}

/// Who points at a transfer once ids are known.
#[derive(Clone, Copy, Debug)]
enum Owner {
    None,
    Hold(usize),
    Commission(usize),
    Ext(usize),
    Reward(usize),
    /// Pays out the payout at this position of the payments (before they are sorted).
    Payout(usize),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Transfer {
    pub at: i64,
    pub amount: i64,
    /// Project id, or (for rewards, commissions, exts) the id the key names.
    pub key_ref: i64,
    pub project: i64,
    pub debit: u8,
    pub credit: u8,
    pub cur: u8,
    pub code: u8,
    pub key_n: u8,
    owner: Owner,
    /// Paid out in the demo's pending payout batch.
    pub batched: bool,
}

impl Transfer {
    pub fn key(&self) -> String {
        let (r, n) = (self.key_ref, self.key_n);
        match self.code {
            code::COLLECTION => format!("collection:p{r}"),
            code::PSP_FEE => format!("psp_fee:p{r}"),
            code::HOLD => format!("hold:p{r}"),
            code::RELEASE => format!("release:p{r}:{n}"),
            code::COMMISSION => format!("commission:{r}:paid"),
            code::CONTRIBUTOR => format!("ext_commission:{r}:paid"),
            // `key_ref` is the payout's payment id once payments are numbered.
            code::PAYOUT => crate::domain::ledger_keys::payout(r, self.project),
            code::CONTRIBUTOR_PAYOUT => format!("contributor_payout:{r}"),
            code::REFUND => format!("refund:p{r}"),
            code::REFUND_PAYOUT => format!("refund_payout:p{r}"),
            code::PLATFORM_FEE => format!("platform_fee:p{r}"),
            _ => format!("referral_reward:{r}"),
        }
    }
    pub fn batch(&self, payout_batch: &str) -> Option<String> {
        if self.batched {
            return Some(payout_batch.to_owned());
        }
        match self.code {
            code::COLLECTION | code::PSP_FEE | code::HOLD => {
                Some(format!("fund:p{}", self.project))
            }
            code::REFUND | code::REFUND_PAYOUT => Some(format!("refund:p{}", self.project)),
            _ => None,
        }
    }
}

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

pub(crate) struct Payment {
    pub id: i64,
    pub project: i64,
    pub escrow: Option<i64>,
    pub provider: &'static str,
    pub reference: String,
    pub direction: &'static str,
    pub amount: i64,
    pub currency: Currency,
    pub status: &'static str,
    pub failure: Option<&'static str>,
    /// In the demo's pending payout batch.
    pub batched: bool,
    pub created: i64,
    pub updated: i64,
}

pub(crate) struct Money {
    pub commissions: Vec<Commission>,
    pub exts: Vec<Ext>,
    pub codes: Vec<RefCode>,
    pub referrals: Vec<Referral>,
    pub rewards: Vec<Reward>,
    /// Sorted by time; id = position + 1.
    pub transfers: Vec<Transfer>,
    /// (debits posted, credits posted, first use, last use) per account id - 1.
    pub accounts: Vec<(i64, i64, i64, i64)>,
    pub escrows: Vec<Escrow>,
    pub payments: Vec<Payment>,
    /// The id of the payout batch waiting to be marked sent.
    pub payout_batch: String,
}

/// Amounts strictly above these (commission amount, minor units) need two approvers.
fn thresholds() -> Vec<(Currency, i64)> {
    let payload = default_settings()
        .into_iter()
        .find(|(g, n, _)| *g == keys::COMMISSION && *n == keys::DUAL_APPROVAL_THRESHOLD)
        .map(|(_, _, p)| p)
        .unwrap_or(JsonValue::Null);
    CURRENCIES
        .iter()
        .map(|c| {
            (
                *c,
                payload
                    .get(c.code())
                    .and_then(JsonValue::as_i64)
                    .unwrap_or(i64::MAX),
            )
        })
        .collect()
}

fn default_rate() -> i64 {
    default_settings()
        .into_iter()
        .find(|(g, n, _)| *g == keys::COMMISSION && *n == keys::DEFAULT_RATE_BPS)
        .and_then(|(_, _, p)| p.as_i64())
        .unwrap_or(1_500)
}

pub(super) fn build(
    plan: &Plan,
    seed: u64,
    clock: Clock,
    users: &[User],
    projects: &[Project],
    setting_id: i64,
    events: &mut Vec<Ev>,
) -> Result<Money, ServiceError> {
    let a = clock.anchor;
    let thresholds = thresholds();
    let threshold = |c: Currency| {
        thresholds
            .iter()
            .find(|t| t.0 == c)
            .map_or(i64::MAX, |t| t.1)
    };
    let rate_now = default_rate();
    // The rate moved from 12 % to 15 % some months ago; older commissions keep their 12 %.
    let switch = a - plan.rate_switch_days * DAY;
    let rate_at = |at: i64| if at < switch { 1_200 } else { rate_now };
    events.push({
        let mut ev = Ev::new(switch, ADMIN, K::Updated, St::Setting, setting_id);
        (ev.b, ev.c) = (1_200, rate_now);
        ev
    });
    // Projects finished before the commission workflow went live were settled by the old
    // platform: their escrow paid the platform fee directly and they have no commission row.
    let launch = a - plan.commission_launch_days * DAY;

    // --- platform commissions ---
    let mut rng = util::rng(seed, "commissions");
    let eligible = |p: &Project| {
        matches!(
            p.status,
            ProjectStatus::Delivered | ProjectStatus::Completed
        ) && p.agreed.is_some()
            && p.completed_at
                .or(p.delivered_at)
                .is_some_and(|at| at >= launch)
    };
    let mut commissions: Vec<Commission> = Vec::new();
    for (k, p) in projects.iter().enumerate() {
        if !eligible(p) {
            continue;
        }
        use super::projects::Flag;
        let completed = p.status == ProjectStatus::Completed;
        let base = p.completed_at.or(p.delivered_at).unwrap_or(p.updated);
        let created = after(&mut rng, base, 2 * HOUR, 2 * DAY, a - MINUTE);
        let gross = p.agreed.unwrap_or(p.budget);
        let rate = rate_at(created);
        let amount = commission_amount(gross, rate)?;
        let dual = amount > threshold(p.currency);
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
                let rate = rate_at(created);
                let amount = commission_amount(gross, rate)?;
                let status = natural_status(&mut rng, a - created, completed, true);
                let d = decide(
                    &mut rng,
                    status,
                    created,
                    amount > threshold(p.currency),
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

    // --- external contributors, paid out of the developer's share ---
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
        let rate = rate_at(started);
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

    // --- referrals ---
    let mut rng = util::rng(seed, "referrals");
    let platform: Vec<&User> = users.iter().filter(|u| u.staff.is_none()).collect();
    let mut codes: Vec<RefCode> = Vec::new();
    let early: Vec<&&User> = platform
        .iter()
        .filter(|u| u.created < a - 60 * DAY)
        .collect();
    let mut taken = vec![false; users.len() + 1];
    for _ in 0..plan.referral_codes.min(early.len()) {
        let mut u = pick(&mut rng, &early);
        while taken[u.id as usize] {
            u = pick(&mut rng, &early);
        }
        taken[u.id as usize] = true;
        let created = after(&mut rng, u.created, DAY, 60 * DAY, a - DAY);
        let first = u.name.split(' ').next().unwrap_or("OBRYL");
        let mut stem: String = crate::domain::slugify(first)
            .replace('-', "")
            .to_uppercase();
        stem.truncate(8);
        codes.push(RefCode {
            id: 0,
            user: u.id,
            code: String::new(),
            rate_bps: if rng.random_bool(0.7) { 1_000 } else { 2_000 },
            max_uses: rng.random_bool(0.5).then(|| pick(&mut rng, &[10, 25, 50])),
            uses: 0,
            expires: rng.random_bool(0.6).then_some(created + 365 * DAY),
            created,
            updated: created,
        });
        let c = codes.last_mut().expect("just pushed");
        c.code = stem;
    }
    codes.sort_by_key(|c| c.created);
    for (k, c) in codes.iter_mut().enumerate() {
        c.id = k as i64 + 1;
        c.code = format!(
            "{}-{}{}",
            c.code,
            radix36(c.id),
            util::alnum(&mut rng, 2).to_uppercase()
        );
    }
    let mut referrals: Vec<Referral> = Vec::new();
    let mut referred_by: Vec<Option<usize>> = vec![None; users.len() + 1];
    for u in &platform {
        if !rng.random_bool(plan.referral_share) {
            continue;
        }
        let n = codes.partition_point(|c| c.created < u.created - HOUR);
        if n == 0 {
            continue;
        }
        for _ in 0..10 {
            let k = rng.random_range(0..n);
            let c = &codes[k];
            let open =
                c.max_uses.is_none_or(|m| c.uses < m) && c.expires.is_none_or(|e| e > u.created);
            if c.user != u.id && open {
                let c = &mut codes[k];
                c.uses += 1;
                c.updated = c.updated.max(u.created);
                referrals.push(Referral {
                    id: referrals.len() as i64 + 1,
                    code: k,
                    referrer: c.user,
                    referred: u.id,
                    created: u.created,
                });
                referred_by[u.id as usize] = Some(referrals.len() - 1);
                break;
            }
        }
    }
    let mut rewards: Vec<Reward> = Vec::new();
    for (k, c) in commissions.iter().enumerate() {
        use CommissionStatus::*;
        if !matches!(c.d.status, Pending | Approved | Paid) {
            continue;
        }
        let p = &projects[c.project];
        let via = [Some(p.client), p.dev]
            .into_iter()
            .flatten()
            .find_map(|u| referred_by[u as usize].filter(|r| referrals[*r].created <= c.d.created));
        let Some(r) = via else { continue };
        let rate = codes[referrals[r].code].rate_bps;
        let amount = commission_amount(c.amount, rate)?;
        if amount == 0 {
            continue;
        }
        let (status, updated) = match c.d.status {
            Paid => {
                let paid_at = c.d.paid.map_or(a, |p| p.1);
                let at = after(&mut rng, paid_at, HOUR, 3 * DAY, a - MINUTE);
                if at < a - MINUTE && rng.random_bool(0.75) {
                    (Paid, at)
                } else {
                    (Approved, c.d.updated)
                }
            }
            Approved => (
                if rng.random_bool(0.5) {
                    Approved
                } else {
                    Pending
                },
                c.d.updated,
            ),
            _ => (Pending, c.d.created),
        };
        rewards.push(Reward {
            id: rewards.len() as i64 + 1,
            referral: referrals[r].id,
            commission: k,
            amount,
            currency: c.currency,
            status,
            transfer: None,
            created: c.d.created,
            updated,
        });
    }

    // --- the ledger, escrows and PSP transactions ---
    let mut rng = util::rng(seed, "ledger");
    let mut transfers: Vec<Transfer> = Vec::new();
    let mut escrows: Vec<Escrow> = Vec::new();
    let mut payments: Vec<Payment> = Vec::new();
    let mut pending_shown = false;
    let mut live_commission: Vec<Option<usize>> = vec![None; projects.len()];
    for (k, c) in commissions.iter().enumerate() {
        if matches!(
            c.d.status,
            CommissionStatus::Pending | CommissionStatus::Approved | CommissionStatus::Paid
        ) {
            live_commission[c.project] = Some(k);
        }
    }
    let mut project_exts: Vec<Vec<usize>> = (0..projects.len()).map(|_| Vec::new()).collect();
    for (k, e) in exts.iter().enumerate() {
        project_exts[e.project].push(k);
    }
    for (k, p) in projects.iter().enumerate() {
        use ProjectStatus as P;
        let (Some(agreed), Some(assigned), Some(dev)) = (p.agreed, p.assigned_at, p.dev) else {
            continue;
        };
        let cur = cur_index(p.currency);
        let client = &users[(p.client - 1) as usize];
        let developer = &users[(dev - 1) as usize];
        let provider = collection_provider(&mut rng, client);
        let escrow_id = escrows.len() as i64 + 1;
        // When the client's money arrived (before work started), if it did.
        let fund_at = match (p.status, p.started_at) {
            (_, Some(started)) => Some(
                between(
                    &mut rng,
                    assigned + HOUR,
                    started - MINUTE,
                    started - MINUTE,
                )
                .max(assigned),
            ),
            (P::Assigned, None) => rng
                .random_bool(0.5)
                .then(|| after(&mut rng, assigned, 2 * HOUR, 3 * DAY, a - MINUTE)),
            (P::Cancelled, None) => {
                let until = p.cancelled_at.unwrap_or(a);
                rng.random_bool(0.5).then(|| {
                    between(&mut rng, assigned + HOUR, until - HOUR, until - HOUR).max(assigned)
                })
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
        let push = |transfers: &mut Vec<Transfer>,
                    at: i64,
                    debit: u8,
                    credit: u8,
                    amount: i64,
                    code: u8,
                    key_ref: i64,
                    key_n: u8,
                    owner: Owner| {
            if amount > 0 {
                transfers.push(Transfer {
                    at,
                    amount,
                    key_ref,
                    project: p.id,
                    debit,
                    credit,
                    cur,
                    code,
                    key_n,
                    owner,
                    batched: false,
                });
            }
        };
        let Some(fund_at) = fund_at else {
            let drawn = p.status != P::Cancelled && rng.random_bool(0.5);
            // The first escrow awaiting funds always has its collection on the way (pending),
            // so the payments list has one to confirm; drawn from a stream of its own, so
            // nothing else generated changes.
            let first_waiting = p.status != P::Cancelled && !drawn && !pending_shown;
            if p.status == P::Cancelled {
                esc.status = EscrowStatus::Expired;
                esc.updated = p.cancelled_at.unwrap_or(a);
                esc.lock_version = 1;
            } else if first_waiting {
                pending_shown = true;
                let mut extra = util::rng(seed, "pending-collection");
                let at = after(&mut extra, assigned, 10 * MINUTE, DAY, a - MINUTE);
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
                let at = after(&mut rng, assigned, 10 * MINUTE, DAY, a - MINUTE);
                let status = if rng.random_bool(0.5) && pending_shown {
                    "initiated"
                } else {
                    "pending"
                };
                pending_shown = true;
                payments.push(payment(
                    &mut rng,
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
            continue;
        };
        if rng.random_bool(0.1) {
            let at = fund_at - rng.random_range(10 * MINUTE..2 * HOUR);
            let reason = failure(&mut rng, provider);
            payments.push(payment(
                &mut rng,
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
            &mut rng,
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
        push(
            &mut transfers,
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
        push(
            &mut transfers,
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
        push(
            &mut transfers,
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

        // Releases out of escrow, in time order: (at, amount, to account, code, owner, n)
        let mut releases: Vec<(i64, i64, u8, u8, Owner, u8)> = Vec::new();
        let live = live_commission[k].map(|c| &commissions[c]);
        let rate = live.map_or_else(|| rate_at(p.completed_at.unwrap_or(a)), |c| c.rate);
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
            P::Completed => [0, 1, 2][weighted(&mut rng, &[30, 40, 30])],
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
            at = between(
                &mut rng,
                at + DAY,
                started + span * i64::from(n),
                a - 2 * MINUTE,
            )
            .max(at);
            let tranche =
                util::round_to(dev_share as f64 * 0.3, step).min(dev_share - released_dev);
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
            let at = after(&mut rng, done, HOUR, DAY, a - MINUTE);
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
            } else if done < launch {
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
            push(
                &mut transfers,
                at,
                ESCROW,
                to,
                amount,
                code_,
                key_ref,
                n,
                owner,
            );
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
                    pick(&mut rng, &FINANCE)
                },
                K::Released,
                St::Escrow,
                escrow_id,
            );
            (ev.a, ev.b, ev.c) = (before, esc.released, esc_index(esc.status));
            events.push(ev);
            // Money leaves the platform a little later: to the developer's wallet or account.
            if code_ == code::RELEASE {
                let out = after(&mut rng, at, 2 * HOUR, 2 * DAY, a - MINUTE);
                if out < a - MINUTE {
                    let d = developer.dev.as_ref();
                    let provider = payout_provider(d.map_or(PayoutMethod::Bank, |d| d.payout));
                    let payout = payment(
                        &mut rng,
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
                        push(
                            &mut transfers,
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
                let out = after(&mut rng, at, HOUR, 2 * DAY, a - MINUTE);
                if out < a - MINUTE {
                    push(
                        &mut transfers,
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
                let at = after(
                    &mut rng,
                    p.cancelled_at.unwrap_or(a),
                    HOUR,
                    2 * DAY,
                    a - MINUTE,
                )
                .max(esc.updated);
                let amount = esc.held - esc.released;
                push(
                    &mut transfers,
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
                push(
                    &mut transfers,
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
                    &mut rng,
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
                let mut ev = Ev::new(
                    at,
                    pick(&mut rng, &FINANCE),
                    K::Refunded,
                    St::Escrow,
                    escrow_id,
                );
                (ev.a, ev.b) = (esc_index(esc.status), amount);
                events.push(ev);
                esc.refunded = amount;
                esc.status = EscrowStatus::Refunded;
                esc.updated = at;
                esc.lock_version += 1;
            }
            _ => {}
        }
        escrows.push(esc);
    }
    // One escrow partly refunded while the work goes on (the scope was reduced), drawn from a
    // stream of its own so nothing else generated changes.
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
    // Paid referral rewards move part of the platform's revenue to the referrers.
    for (k, r) in rewards.iter().enumerate() {
        if r.status == CommissionStatus::Paid {
            let cur = cur_index(r.currency);
            let project = projects[commissions[r.commission].project].id;
            transfers.push(Transfer {
                at: r.updated,
                amount: r.amount,
                key_ref: r.id,
                project,
                debit: PLATFORM_REVENUE,
                credit: REFERRAL_PAYABLE,
                cur,
                code: code::REFERRAL,
                key_n: 0,
                owner: Owner::Reward(k),
                batched: false,
            });
        }
    }

    // Payments are numbered by time; a payout's transfers are keyed by its payment id.
    let mut order: Vec<usize> = (0..payments.len()).collect();
    order.sort_by_key(|k| payments[*k].created);
    let mut payment_id = vec![0i64; payments.len()];
    for (n, k) in order.iter().enumerate() {
        payment_id[*k] = n as i64 + 1;
    }
    for tr in &mut transfers {
        if let Owner::Payout(k) = tr.owner {
            tr.key_ref = payment_id[k];
        }
    }

    // Ids grow with time; owners learn their transfer ids.
    transfers.sort_by_key(|t| t.at);
    let mut accounts = vec![(0i64, 0i64, i64::MAX, clock.start); CURRENCIES.len() * KINDS.len()];
    for (k, tr) in transfers.iter().enumerate() {
        let id = k as i64 + 1;
        match tr.owner {
            Owner::Hold(e) => escrows[e].hold = Some(id),
            Owner::Commission(c) => commissions[c].d.transfer = Some(id),
            Owner::Ext(e) => exts[e].d.transfer = Some(id),
            Owner::Reward(r) => rewards[r].transfer = Some(id),
            Owner::Payout(_) | Owner::None => {}
        }
        let d = &mut accounts[(account_id(tr.cur, tr.debit) - 1) as usize];
        d.0 += tr.amount;
        d.2 = d.2.min(tr.at);
        d.3 = d.3.max(tr.at);
        let c = &mut accounts[(account_id(tr.cur, tr.credit) - 1) as usize];
        c.1 += tr.amount;
        c.2 = c.2.min(tr.at);
        c.3 = c.3.max(tr.at);
    }
    for acc in &mut accounts {
        if acc.2 == i64::MAX {
            acc.2 = clock.start;
        }
    }
    payments.sort_by_key(|p| p.created);
    for (k, p) in payments.iter_mut().enumerate() {
        p.id = k as i64 + 1;
        let year = util::year(p.created);
        p.reference = match p.provider {
            "stripe" => format!("{}{:06x}", p.reference, p.id),
            "cinetpay" => format!("CP{year}{:09}", p.id),
            "orange_money" => format!(
                "MP{}.{}.C{:06}",
                util::date(p.created).format("%y%m%d"),
                &p.reference[..4],
                p.id
            ),
            "moov_money" => format!("MOOV{year}{:09}", p.id),
            "wave" => format!("{}{:06x}", p.reference, p.id),
            _ => std::mem::take(&mut p.reference),
        };
    }
    Ok(Money {
        commissions,
        exts,
        codes,
        referrals,
        rewards,
        transfers,
        accounts,
        escrows,
        payments,
        payout_batch: format!("PO-wave-{}-090000", util::date(a).format("%Y%m%d")),
    })
}

fn radix36(mut n: i64) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

pub(super) fn esc_index(s: EscrowStatus) -> i64 {
    EscrowStatus::ALL.iter().position(|x| *x == s).unwrap_or(0) as i64
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
    let phone = super::people::phone(rng, city);
    Contributor::External { name, email, phone }
}

fn collection_provider(rng: &mut R, client: &User) -> &'static str {
    let c = client.city();
    match (c.currency, c.country) {
        (Currency::EUR, _) => "stripe",
        (Currency::XAF, _) => pick(rng, &["mtn_momo", "orange_money", "cinetpay"]),
        (_, "SN") => pick(rng, &["wave", "wave", "orange_money", "stripe"]),
        (_, "CI") => pick(
            rng,
            &["cinetpay", "mtn_momo", "orange_money", "wave", "moov_money"],
        ),
        _ => pick(rng, &["cinetpay", "orange_money", "moov_money", "mtn_momo"]),
    }
}

fn payout_provider(method: PayoutMethod) -> &'static str {
    method.provider()
}

/// The PSP's fee on a collection, in minor units.
fn fee(provider: &str, amount: i64, currency: Currency) -> Result<i64, ServiceError> {
    let bps = match provider {
        "wave" => 100,
        "stripe" => 290,
        "cinetpay" => 300,
        _ => 150,
    };
    let fixed = if provider == "stripe" && currency == Currency::EUR {
        25
    } else {
        0
    };
    Ok(commission_amount(amount, bps)? + fixed)
}

fn failure(rng: &mut R, provider: &str) -> &'static str {
    if provider == "stripe" {
        pick(
            rng,
            &[
                "Carte refusée (do_not_honor)",
                "Fonds insuffisants (insufficient_funds)",
                "Authentification 3-D Secure échouée",
            ],
        )
    } else {
        pick(
            rng,
            &[
                "Solde insuffisant",
                "Délai de confirmation dépassé",
                "Transaction annulée par l'utilisateur",
                "Numéro non éligible au paiement marchand",
            ],
        )
    }
}

/// A PSP transaction; the final reference is completed once ids are known.
#[allow(clippy::too_many_arguments)]
fn payment(
    rng: &mut R,
    provider: &'static str,
    p: &Project,
    escrow: Option<i64>,
    direction: &'static str,
    amount: i64,
    status: &'static str,
    failure: Option<&'static str>,
    created: i64,
    updated: i64,
) -> Payment {
    let reference = match provider {
        "stripe" => format!("pi_3{}", util::alnum(rng, 16)),
        "wave" => format!("wave_{}", util::alnum(rng, 14).to_lowercase()),
        "mtn_momo" => util::uuid(rng).to_string(),
        _ => util::digits(rng, 4),
    };
    Payment {
        id: 0,
        project: p.id,
        escrow,
        provider,
        reference,
        direction,
        amount,
        currency: p.currency,
        status,
        failure,
        batched: false,
        created,
        updated,
    }
}

fn decision_row(d: &Decision) -> Vec<sea_query::Value> {
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

pub(super) async fn write(
    w: &super::World,
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

/// The ledger tables and what hangs off them (written after tickets, in foreign-key order).
pub(super) async fn write_ledger(
    w: &super::World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let m = &w.money;
    let mut table = sink.table(schema::LEDGER_ACCOUNTS, m.accounts.len() as u64);
    for (k, acc) in m.accounts.iter().enumerate() {
        let cur = CURRENCIES[k / KINDS.len()];
        let kind = KINDS[k % KINDS.len()];
        let rule = match kind {
            "psp_clearing" => "credits_must_not_exceed_debits",
            "psp_fees" => "none",
            _ => "debits_must_not_exceed_credits",
        };
        table
            .push(vec![
                i(k as i64 + 1),
                s(kind),
                s(kind),
                s(cur.code()),
                os(None::<String>),
                oi(None),
                s(rule),
                i(0),
                i(acc.0),
                i(0),
                i(acc.1),
                t(acc.2),
                t(acc.3.max(acc.2)),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::LEDGER_TRANSFERS, m.transfers.len() as u64);
    for (k, tr) in m.transfers.iter().enumerate() {
        table
            .push(vec![
                i(k as i64 + 1),
                s(tr.key()),
                i(account_id(tr.cur, tr.debit)),
                i(account_id(tr.cur, tr.credit)),
                i(tr.amount),
                s(CURRENCIES[tr.cur as usize].code()),
                s("single"),
                oi(None),
                i(i64::from(tr.code)),
                i(tr.project),
                os(tr.batch(&m.payout_batch)),
                ot(None),
                t(tr.at),
            ])
            .await?;
    }
    report.push(table.finish().await?);

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

    let mut table = sink.table(schema::PAYMENT_TRANSACTIONS, m.payments.len() as u64);
    for p in &m.payments {
        table
            .push(vec![
                i(p.id),
                i(p.project),
                oi(p.escrow),
                s(p.provider),
                s(p.reference.as_str()),
                s(p.direction),
                i(p.amount),
                s(p.currency.code()),
                s(p.status),
                os(p.failure),
                t(p.created),
                t(p.updated),
                os(p.batched.then(|| m.payout_batch.clone())),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::REFERRAL_CODES, m.codes.len() as u64);
    for c in &m.codes {
        table
            .push(vec![
                i(c.id),
                i(c.user),
                s(c.code.as_str()),
                i(c.rate_bps),
                oi(c.max_uses),
                i(c.uses),
                ot(c.expires),
                t(c.created),
                t(c.updated),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::REFERRALS, m.referrals.len() as u64);
    for r in &m.referrals {
        table
            .push(vec![
                i(r.id),
                i(m.codes[r.code].id),
                i(r.referrer),
                i(r.referred),
                t(r.created),
                t(r.created),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::REFERRAL_REWARDS, m.rewards.len() as u64);
    for r in &m.rewards {
        let lock = match r.status {
            CommissionStatus::Paid => 2,
            CommissionStatus::Approved => 1,
            _ => 0,
        };
        table
            .push(vec![
                i(r.id),
                i(r.referral),
                i(m.commissions[r.commission].id),
                i(r.amount),
                s(r.currency.code()),
                s(r.status.as_str()),
                oi(r.transfer),
                i(lock),
                t(r.created),
                t(r.updated),
            ])
            .await?;
    }
    report.push(table.finish().await?);
    Ok(())
}
