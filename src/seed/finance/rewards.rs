//! The ledger behind the demo's referral rewards, as the back-office would have posted it:
//! an approved reward owed to its referrer, a paid one paid out of the referral payable in a
//! payout of its own, a clawed-back one owed back by its referrer (not yet netted).

use super::commissions::Commission;
use super::ledger::{Books, Owner, Transfer};
use super::payments::{payment, payout_provider};
use super::referrals::Reward;
use super::{
    PLATFORM_REVENUE, PSP_CLEARING, REFERRAL_PAYABLE, REFERRAL_RECEIVABLE, Terms, code, cur_index,
};
use crate::seed::projects::Project;
use crate::seed::util::{MINUTE, R};

#[allow(clippy::too_many_arguments)]
fn push(
    books: &mut Books,
    at: i64,
    r: &Reward,
    project: i64,
    debit: u8,
    credit: u8,
    code: u8,
    owner: Owner,
) {
    books.transfers.push(Transfer {
        at,
        amount: r.amount,
        key_ref: r.id,
        project,
        debit,
        credit,
        cur: cur_index(r.currency),
        code,
        key_n: 0,
        owner,
        batched: false,
    });
}

pub(super) fn post(
    rng: &mut R,
    terms: &Terms,
    projects: &[Project],
    commissions: &[Commission],
    rewards: &[Reward],
    books: &mut Books,
) {
    for (k, r) in rewards.iter().enumerate() {
        let Some(approved) = r.approved else { continue };
        let p = &projects[commissions[r.commission].project];
        push(
            books,
            approved,
            r,
            p.id,
            PLATFORM_REVENUE,
            REFERRAL_PAYABLE,
            code::REFERRAL,
            Owner::Reward(k),
        );
        let Some(paid) = r.paid else { continue };
        let provider = payout_provider(r.method);
        let payout = payment(
            rng,
            provider,
            p,
            None,
            "payout",
            r.amount,
            "succeeded",
            None,
            paid,
            (paid + 5 * MINUTE).min(terms.a),
        );
        push(
            books,
            paid,
            r,
            p.id,
            REFERRAL_PAYABLE,
            PSP_CLEARING,
            code::PAYOUT,
            Owner::RewardPayout(books.payments.len(), k),
        );
        books.payments.push(payout);
        if let Some(clawed) = r.clawed {
            push(
                books,
                clawed,
                r,
                p.id,
                REFERRAL_RECEIVABLE,
                PLATFORM_REVENUE,
                code::CLAWBACK,
                Owner::Clawback(k),
            );
        }
    }
}
