//! Idempotency keys of the ledger transfers that other records find again: the one way a
//! payout finds the transfers that paid it (and returned it), and a contributor's share of a
//! release. The service and the demo generator both write them through these functions.

/// A payout's transfer out of the developer's payable balance, one per project it pays.
pub fn payout(payment_id: i64, project_id: i64) -> String {
    format!("payout:t{payment_id}:p{project_id}")
}

/// The prefix every transfer of payout `payment_id` starts with.
pub fn payout_prefix(payment_id: i64) -> String {
    format!("payout:t{payment_id}:")
}

/// The return of one transfer of a failed payout to the payable balance.
pub fn payout_return(payment_id: i64, transfer_id: i64) -> String {
    format!("payout_return:t{payment_id}:x{transfer_id}")
}

/// The payout a payout or payout-return key belongs to.
pub fn payout_of(key: &str) -> Option<i64> {
    let rest = key
        .strip_prefix("payout:t")
        .or_else(|| key.strip_prefix("payout_return:t"))?;
    rest.split(':').next()?.parse().ok()
}

/// The external commission a contributor's transfer out of escrow belongs to: a payment
/// (`ext_commission:{id}:…`) or a release's part (`…:ext{id}`).
pub fn contributor_of(key: &str) -> Option<i64> {
    if let Some(rest) = key.strip_prefix("ext_commission:") {
        return rest.split(':').next()?.parse().ok();
    }
    key.rsplit(':').next()?.strip_prefix("ext")?.parse().ok()
}

/// A referral reward owed to its referrer once approved (platform revenue to referral payable).
pub fn referral(reward_id: i64) -> String {
    format!("referral:w{reward_id}")
}

/// An approved, unpaid reward cancelled because the money behind it went back.
pub fn referral_reversal(reward_id: i64) -> String {
    format!("referral_reversal:w{reward_id}")
}

/// A paid reward clawed back: the referrer owes it (referral receivable to platform revenue).
pub fn clawback(reward_id: i64) -> String {
    format!("clawback:w{reward_id}")
}

/// A reward's transfer out of the referral payable in payout `payment_id`.
pub fn reward_payout(payment_id: i64, reward_id: i64) -> String {
    format!("payout:t{payment_id}:w{reward_id}")
}

/// A clawback netted from payout `payment_id` (the payout is that much smaller).
pub fn clawback_netting(payment_id: i64, reward_id: i64) -> String {
    format!("payout:t{payment_id}:c{reward_id}")
}

/// A clawed-back reward whose payout failed: the money never left, so it settles the clawback.
pub fn clawback_settled(payment_id: i64, reward_id: i64) -> String {
    format!("clawback_settled:t{payment_id}:w{reward_id}")
}

/// The reward a referral transfer belongs to: `referral:w7`, `clawback:w7`, `payout:t3:w7`,
/// `payout:t3:c7`, `clawback_settled:t3:w7` all name reward 7.
pub fn reward_of(key: &str) -> Option<i64> {
    let last = key.rsplit(':').next()?;
    let known = [
        "referral:",
        "referral_reversal:",
        "clawback:",
        "clawback_settled:",
        "payout:",
    ]
    .iter()
    .any(|p| key.starts_with(p));
    if !known {
        return None;
    }
    last.strip_prefix('w')
        .or_else(|| last.strip_prefix('c'))?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_back_to_their_records() {
        assert_eq!(payout_of(&payout(255, 88)), Some(255));
        assert_eq!(payout_of(&payout_return(255, 693)), Some(255));
        assert!(payout(25, 1).starts_with(&payout_prefix(25)));
        assert!(!payout(255, 1).starts_with(&payout_prefix(25)));
        assert_eq!(payout_of("payout:p88:2"), None);
        assert_eq!(contributor_of("ext_commission:16:paid"), Some(16));
        assert_eq!(contributor_of("release:e3:v2:ext16"), Some(16));
        assert_eq!(contributor_of("release:e3:v2:developer"), None);
        assert_eq!(payout_of(&reward_payout(255, 7)), Some(255));
        assert_eq!(payout_of(&clawback_netting(255, 7)), Some(255));
        assert_eq!(payout_of(&clawback_settled(255, 7)), None);
        for key in [
            referral(7),
            referral_reversal(7),
            clawback(7),
            reward_payout(3, 7),
            clawback_netting(3, 7),
            clawback_settled(3, 7),
        ] {
            assert_eq!(reward_of(&key), Some(7), "{key}");
        }
        assert_eq!(reward_of(&payout(3, 7)), None);
        assert_eq!(reward_of("release:e3:v2:ext16"), None);
    }
}
