//! The double-entry ledger: its accounts per currency, the transfers between them and who
//! each one belongs to, walked project by project (escrows, releases, payouts, refunds), then
//! numbered by time.

use super::commissions::{Commission, Ext};
use super::escrows::{self, Escrow};
use super::payments::{Payment, collection_provider};
use super::referrals::{self, Reward};
use super::releases;
use super::{CURRENCIES, KINDS, Terms, account_id, code, cur_index, rewards};
use crate::domain::{CommissionStatus, ledger_keys};
use crate::seed::history::Ev;
use crate::seed::people::User;
use crate::seed::projects::Project;
use crate::seed::util::{self, Clock, Sink, i, oi, os, ot, s, t};
use crate::service::ServiceError;
use crate::store::{StoreError, schema};

/// Who points at a transfer once ids are known.
#[derive(Clone, Copy, Debug)]
pub(super) enum Owner {
    None,
    Hold(usize),
    Commission(usize),
    Ext(usize),
    Reward(usize),
    /// Claws back the reward at this position.
    Clawback(usize),
    /// Pays out the reward (second) in the payout at this position of the payments (first).
    RewardPayout(usize, usize),
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
    pub(super) owner: Owner,
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
            code::PAYOUT => match self.owner {
                Owner::RewardPayout(_, w) => ledger_keys::reward_payout(r, w as i64 + 1),
                _ => ledger_keys::payout(r, self.project),
            },
            code::CLAWBACK => ledger_keys::clawback(r),
            code::CONTRIBUTOR_PAYOUT => format!("contributor_payout:{r}"),
            code::REFUND => format!("refund:p{r}"),
            code::REFUND_PAYOUT => format!("refund_payout:p{r}"),
            code::PLATFORM_FEE => format!("platform_fee:p{r}"),
            _ => ledger_keys::referral(r),
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

/// What the walk through the projects has made so far.
pub(super) struct Books {
    pub transfers: Vec<Transfer>,
    pub escrows: Vec<Escrow>,
    pub payments: Vec<Payment>,
    /// How many escrows awaiting funds have their collection pending.
    pub pending_shown: u32,
}

/// What the walk reads: the terms and the commissions decided, by project.
pub(super) struct Inputs<'a> {
    pub terms: &'a Terms,
    pub commissions: &'a [Commission],
    pub exts: &'a [Ext],
    /// The commission still standing on each project, if any.
    pub live_commission: Vec<Option<usize>>,
    /// Each project's external commissions.
    pub project_exts: Vec<Vec<usize>>,
}

/// One project's turn in the walk: its escrow, the currency's accounts, who pays and is paid.
#[derive(Clone, Copy)]
pub(super) struct Turn<'a> {
    pub k: usize,
    pub p: &'a Project,
    pub agreed: i64,
    pub assigned: i64,
    pub cur: u8,
    pub developer: &'a User,
    pub provider: &'static str,
    pub escrow_id: i64,
}

impl Turn<'_> {
    /// Posts a transfer of the project (none when the amount is zero).
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &self,
        transfers: &mut Vec<Transfer>,
        at: i64,
        debit: u8,
        credit: u8,
        amount: i64,
        code: u8,
        key_ref: i64,
        key_n: u8,
        owner: Owner,
    ) {
        if amount > 0 {
            transfers.push(Transfer {
                at,
                amount,
                key_ref,
                project: self.p.id,
                debit,
                credit,
                cur: self.cur,
                code,
                key_n,
                owner,
                batched: false,
            });
        }
    }
}

/// The ledger, escrows and PSP transactions, project by project.
pub(super) fn walk(
    terms: &Terms,
    users: &[User],
    projects: &[Project],
    commissions: &[Commission],
    exts: &[Ext],
    rewards: &[Reward],
    events: &mut Vec<Ev>,
) -> Result<Books, ServiceError> {
    let mut rng = util::rng(terms.seed, "ledger");
    let mut books = Books {
        transfers: Vec::new(),
        escrows: Vec::new(),
        payments: Vec::new(),
        pending_shown: 0,
    };
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
    let inputs = Inputs {
        terms,
        commissions,
        exts,
        live_commission,
        project_exts,
    };
    for (k, p) in projects.iter().enumerate() {
        let (Some(agreed), Some(assigned), Some(dev)) = (p.agreed, p.assigned_at, p.dev) else {
            continue;
        };
        let cur = cur_index(p.currency);
        let client = &users[(p.client - 1) as usize];
        let developer = &users[(dev - 1) as usize];
        let provider = collection_provider(&mut rng, client);
        let escrow_id = books.escrows.len() as i64 + 1;
        let turn = Turn {
            k,
            p,
            agreed,
            assigned,
            cur,
            developer,
            provider,
            escrow_id,
        };
        let Some((mut esc, fund_at)) = escrows::fund(&mut rng, &inputs, &turn, &mut books, events)?
        else {
            continue;
        };
        releases::settle(
            &mut rng, &inputs, &turn, &mut esc, fund_at, &mut books, events,
        )?;
        books.escrows.push(esc);
    }
    releases::partial_refund(terms, projects, &mut books, events);
    rewards::post(&mut rng, terms, projects, commissions, rewards, &mut books);
    Ok(books)
}

/// Payments and transfers numbered by time; each owner learns its transfer's id, each account
/// its totals and first and last use.
pub(super) fn number(
    clock: Clock,
    books: &mut Books,
    commissions: &mut [Commission],
    exts: &mut [Ext],
    rewards: &mut [Reward],
) -> Vec<(i64, i64, i64, i64)> {
    let Books {
        transfers,
        escrows,
        payments,
        ..
    } = books;
    // Payments are numbered by time; a payout's transfers are keyed by its payment id.
    let mut order: Vec<usize> = (0..payments.len()).collect();
    order.sort_by_key(|k| payments[*k].created);
    let mut payment_id = vec![0i64; payments.len()];
    for (n, k) in order.iter().enumerate() {
        payment_id[*k] = n as i64 + 1;
    }
    for tr in transfers.iter_mut() {
        match tr.owner {
            Owner::Payout(k) => tr.key_ref = payment_id[k],
            Owner::RewardPayout(k, w) => {
                tr.key_ref = payment_id[k];
                rewards[w].payout = Some(payment_id[k]);
            }
            _ => {}
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
            Owner::Clawback(r) => rewards[r].clawback = Some(id),
            Owner::Payout(_) | Owner::RewardPayout(..) | Owner::None => {}
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
    accounts
}

/// The ledger tables and what hangs off them (written after tickets, in foreign-key order).
pub(in crate::seed) async fn write_ledger(
    w: &crate::seed::World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let m = &w.money;
    let mut table = sink.table(schema::LEDGER_ACCOUNTS, m.accounts.len() as u64);
    for (k, acc) in m.accounts.iter().enumerate() {
        let cur = CURRENCIES[k / KINDS.len()];
        let kind = KINDS[k % KINDS.len()];
        let rule = match kind {
            "psp_clearing" | "referral_receivable" => "credits_must_not_exceed_debits",
            "psp_fees" => "none",
            _ => "debits_must_not_exceed_credits",
        };
        table
            .push(vec![
                i(k as i64 + 1),
                s(kind),
                s(crate::service::referral_money::kind_of(kind)),
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

    super::escrows::write(w, sink, report).await?;
    super::payments::write(m, sink, report).await?;
    referrals::write(m, sink, report).await
}
