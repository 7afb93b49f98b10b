//! Money: platform commissions and external contributors' commissions (four-eyes decisions),
//! referrals and their rewards, and the double-entry ledger behind it (collections, escrow
//! holds, releases, payouts, refunds) with escrows and PSP payment transactions.

mod commissions;
mod decisions;
mod escrows;
mod ledger;
mod payments;
mod referrals;
mod releases;
mod rewards;
mod suspects;

use serde_json::Value as JsonValue;

use super::history::{Ev, K, St};
use super::people::User;
use super::projects::Project;
use super::util::{self, Clock, DAY};
use super::{ADMIN, Plan};
use crate::domain::Currency;
use crate::service::ServiceError;
use crate::service::bootstrap::{default_settings, keys};

pub(super) use commissions::write;
pub(crate) use commissions::{Commission, Ext};
pub(crate) use decisions::payment_reference;
pub(crate) use escrows::Escrow;
pub(crate) use ledger::Transfer;
pub(super) use ledger::write_ledger;
pub(crate) use payments::Payment;
pub(crate) use referrals::{RefCode, Referral, Reward};
pub(super) use suspects::{flag as flag_referrals, plant as plant_suspects};

/// The three currencies the generated projects use, in ledger-account order.
pub(crate) const CURRENCIES: [Currency; 3] = [Currency::XOF, Currency::XAF, Currency::EUR];
/// Ledger account kinds; each currency has one account of each, `code == kind`.
pub(crate) const KINDS: [&str; 9] = [
    "psp_clearing",
    "client_funds",
    "escrow",
    "developer_payable",
    "contributor_payable",
    "referral_payable",
    "platform_revenue",
    "psp_fees",
    "referral_receivable",
];
const PSP_CLEARING: u8 = 0;
const CLIENT_FUNDS: u8 = 1;
const ESCROW: u8 = 2;
const DEVELOPER_PAYABLE: u8 = 3;
const CONTRIBUTOR_PAYABLE: u8 = 4;
const REFERRAL_PAYABLE: u8 = 5;
const PLATFORM_REVENUE: u8 = 6;
const PSP_FEES: u8 = 7;
const REFERRAL_RECEIVABLE: u8 = 8;

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
    /// A paid referral reward clawed back after a refund (`store::escrows::code::CLAWBACK`).
    pub const CLAWBACK: u8 = 15;
}

pub(crate) fn cur_index(c: Currency) -> u8 {
    CURRENCIES.iter().position(|x| *x == c).unwrap_or(0) as u8
}

pub(crate) fn account_id(cur: u8, kind: u8) -> i64 {
    i64::from(cur) * KINDS.len() as i64 + i64::from(kind) + 1
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

/// The seed, the anchor and the commission terms every part of the money is drawn with.
pub(super) struct Terms {
    pub seed: u64,
    /// The anchor: nothing generated is later.
    pub a: i64,
    /// Projects finished before the commission workflow went live were settled by the old
    /// platform: their escrow paid the platform fee directly and they have no commission row.
    pub launch: i64,
    /// The rate moved from 12 % to the default rate then; older commissions keep their 12 %.
    pub switch: i64,
    pub rate_now: i64,
    /// Amounts strictly above these (commission amount, minor units) need two approvers.
    pub thresholds: Vec<(Currency, i64)>,
}

impl Terms {
    /// The commission rate at a time.
    pub fn rate_at(&self, at: i64) -> i64 {
        if at < self.switch {
            1_200
        } else {
            self.rate_now
        }
    }

    /// The commission amount above which two approvers are needed, in a currency.
    pub fn threshold(&self, c: Currency) -> i64 {
        self.thresholds
            .iter()
            .find(|t| t.0 == c)
            .map_or(i64::MAX, |t| t.1)
    }
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
    let rate_now = default_rate();
    // The rate moved from 12 % to 15 % some months ago; older commissions keep their 12 %.
    let switch = a - plan.rate_switch_days * DAY;
    events.push({
        let mut ev = Ev::new(switch, ADMIN, K::Updated, St::Setting, setting_id);
        (ev.b, ev.c) = (1_200, rate_now);
        ev
    });
    let terms = Terms {
        seed,
        a,
        launch: a - plan.commission_launch_days * DAY,
        switch,
        rate_now,
        thresholds: thresholds(),
    };

    let mut commissions = commissions::commissions(&terms, projects, events)?;
    let mut exts = commissions::externals(plan, &terms, users, projects, events);
    let (codes, referrals, mut rewards) =
        referrals::build(plan, &terms, users, projects, &commissions)?;

    // --- the ledger, escrows and PSP transactions ---
    let mut books = ledger::walk(
        &terms,
        users,
        projects,
        &commissions,
        &exts,
        &rewards,
        events,
    )?;
    let accounts = ledger::number(clock, &mut books, &mut commissions, &mut exts, &mut rewards);
    payments::number(&mut books.payments);
    Ok(Money {
        commissions,
        exts,
        codes,
        referrals,
        rewards,
        transfers: books.transfers,
        accounts,
        escrows: books.escrows,
        payments: books.payments,
        payout_batch: format!("PO-wave-{}-090000", util::date(a).format("%Y%m%d")),
    })
}
