//! Escrow arithmetic: what is left of the client's funds, who is owed which part of it, and
//! how a release of some of it divides between the developer, the platform's commission and
//! the approved external contributors, to the minor unit. Pure: the service feeds it what the
//! escrow row and the ledger hold.

use super::error::DomainError;
use super::status::EscrowStatus;

/// The escrow's amounts, in minor units of its currency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amounts {
    pub held: i64,
    pub released: i64,
    pub refunded: i64,
}

impl Amounts {
    /// Still in escrow: held, less what left it either way.
    pub fn remaining(&self) -> i64 {
        self.held - self.released - self.refunded
    }

    /// The status these amounts mean once funds were held: nothing left is released (or
    /// refunded when nothing went to the developer); something left is partially released
    /// (or partially refunded when only refunds happened).
    pub fn status(&self) -> EscrowStatus {
        match (self.remaining() == 0, self.released > 0, self.refunded > 0) {
            (true, true, _) => EscrowStatus::Released,
            (true, false, _) => EscrowStatus::Refunded,
            (false, false, false) => EscrowStatus::Held,
            (false, false, true) => EscrowStatus::PartiallyRefunded,
            (false, true, _) => EscrowStatus::PartiallyReleased,
        }
    }

    /// Takes `amount` out (released or refunded), refusing to take more than is left.
    pub fn take(self, amount: i64, refund: bool, currency: &str) -> Result<Amounts, DomainError> {
        if amount <= 0 {
            return Err(DomainError::NegativeAmount {
                input: amount.to_string(),
            });
        }
        let remaining = self.remaining();
        if amount > remaining {
            return Err(DomainError::EscrowOverdrawn {
                asked: amount,
                remaining,
                currency: currency.to_owned(),
            });
        }
        Ok(if refund {
            Amounts {
                refunded: self.refunded + amount,
                ..self
            }
        } else {
            Amounts {
                released: self.released + amount,
                ..self
            }
        })
    }
}

/// Who is still owed what out of the escrow: the platform's commission not yet moved to
/// revenue, each approved contributor's share not yet moved (by external commission id), and
/// the developer's net.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owed {
    pub platform: i64,
    pub contributors: Vec<(i64, i64)>,
    pub developer: i64,
}

impl Owed {
    pub fn total(&self) -> i64 {
        self.platform + self.contributors.iter().map(|c| c.1).sum::<i64>() + self.developer
    }
}

/// Each party's nominal share of an escrow's gross: the platform's commission and each
/// approved contributor's amount (by external commission id); the developer's share is the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shares {
    pub commission: i64,
    pub contributors: Vec<(i64, i64)>,
}

/// The platform's share of an escrow's gross: its commission when one was requested; else the
/// fee the platform took at release (projects from before commissions), else the default rate.
pub fn platform_share(commission: Option<i64>, platform_fee: i64, held: i64, rate_bps: i64) -> i64 {
    match commission {
        Some(amount) => amount,
        None if platform_fee > 0 => platform_fee,
        None => super::commission::commission_amount(held, rate_bps).unwrap_or(0),
    }
}

/// What already moved out of the escrow to each party (releases, by transfer code).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    pub platform: i64,
    /// Of `platform`, the fee taken at release before commissions were requested.
    pub platform_fee: i64,
    pub contributors: Vec<(i64, i64)>,
    pub developer: i64,
}

impl Moved {
    fn contributor(&self, id: i64) -> i64 {
        self.contributors
            .iter()
            .filter(|c| c.0 == id)
            .map(|c| c.1)
            .sum()
    }
}

/// What each party is entitled to once refunds are taken into account: refunds shrink every
/// share in proportion (the client took back part of the price, so the commission and the
/// contributors' parts shrink with it). Largest remainders, the developer first on a tie: each
/// entitlement stays within its party's share and they add up to `held - refunded` exactly.
pub fn entitled(amounts: Amounts, shares: &Shares) -> Owed {
    let base = (amounts.held - amounts.refunded).max(0);
    let others: i64 =
        shares.commission.max(0) + shares.contributors.iter().map(|c| c.1.max(0)).sum::<i64>();
    let developer_share = (amounts.held - others).max(0);
    // Developer first, then the platform, then contributors: the order ties are broken in.
    let mut parts: Vec<i64> = std::iter::once(developer_share)
        .chain(std::iter::once(shares.commission.max(0)))
        .chain(shares.contributors.iter().map(|c| c.1.max(0)))
        .collect();
    let total: i64 = parts.iter().sum();
    if total > 0 {
        let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(parts.len());
        for (k, p) in parts.iter_mut().enumerate() {
            let exact = i128::from(*p) * i128::from(base);
            let floor = exact / i128::from(total);
            remainders.push((exact % i128::from(total), k));
            *p = i64::try_from(floor).unwrap_or(0);
        }
        let mut rest = base - parts.iter().sum::<i64>();
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, k) in remainders {
            if rest <= 0 {
                break;
            }
            parts[k] += 1;
            rest -= 1;
        }
    } else {
        parts.iter_mut().for_each(|p| *p = 0);
    }
    Owed {
        developer: parts[0],
        platform: parts[1],
        contributors: shares
            .contributors
            .iter()
            .zip(&parts[2..])
            .map(|(c, p)| (c.0, *p))
            .collect(),
    }
}

/// Who is still owed what out of the escrow, derived so that it always adds up to what is left
/// (held − released − refunded), nobody owed less than nothing, whatever order releases and
/// refunds came in: each party's entitlement less what already moved to it weighs how what is
/// left divides. Releasing everything left pays each party exactly what it is owed.
pub fn owed(amounts: Amounts, shares: &Shares, moved: &Moved) -> Owed {
    let left = amounts.remaining().max(0);
    let e = entitled(amounts, shares);
    let weights = Owed {
        platform: (e.platform - moved.platform).max(0),
        contributors: e
            .contributors
            .iter()
            .map(|(id, a)| (*id, (a - moved.contributor(*id)).max(0)))
            .collect(),
        developer: (e.developer - moved.developer).max(0),
    };
    if left == 0 {
        return Owed {
            platform: 0,
            contributors: weights.contributors.iter().map(|c| (c.0, 0)).collect(),
            developer: 0,
        };
    }
    divide(left, &weights).unwrap_or(Owed {
        developer: left,
        ..Owed::default()
    })
}

/// What a party received beyond its share of the gross (nobody is ever paid beyond it):
/// `(party, moved, share)` for each breach. Parties: `platform`, `contributor #id`, `developer`.
pub fn overpaid(held: i64, shares: &Shares, moved: &Moved) -> Vec<(String, i64, i64)> {
    let full = entitled(
        Amounts {
            held,
            released: 0,
            refunded: 0,
        },
        shares,
    );
    let mut out = Vec::new();
    if moved.platform > full.platform {
        out.push(("platform".to_owned(), moved.platform, full.platform));
    }
    for (id, _) in &moved.contributors {
        let share = full
            .contributors
            .iter()
            .find(|c| c.0 == *id)
            .map_or(0, |c| c.1);
        let got = moved.contributor(*id);
        if got > share && !out.iter().any(|o| o.0 == format!("contributor #{id}")) {
            out.push((format!("contributor #{id}"), got, share));
        }
    }
    if moved.developer > full.developer {
        out.push(("developer".to_owned(), moved.developer, full.developer));
    }
    out
}

/// How `amount` of what is left divides between the parties still owed: every part in
/// proportion to what its party is owed (rounded down, never beyond it), the units lost to
/// rounding to the developer first, then one each to the others, so the parts add up to
/// `amount` exactly and nobody gets more than it is owed while `amount` ≤ the owed total.
/// Releasing everything left pays each party exactly what it is owed.
pub fn divide(amount: i64, owed: &Owed) -> Result<Owed, DomainError> {
    if amount <= 0 {
        return Err(DomainError::NegativeAmount {
            input: amount.to_string(),
        });
    }
    let total = owed.total();
    if total <= 0 {
        // Nobody is owed anything any more: all of it is the developer's.
        return Ok(Owed {
            platform: 0,
            contributors: owed.contributors.iter().map(|c| (c.0, 0)).collect(),
            developer: amount,
        });
    }
    let part = |owed_part: i64| -> i64 {
        let share = i128::from(amount.min(total)) * i128::from(owed_part) / i128::from(total);
        i64::try_from(share).unwrap_or(0).min(owed_part)
    };
    let mut out = Owed {
        platform: part(owed.platform),
        contributors: owed
            .contributors
            .iter()
            .map(|(id, o)| (*id, part(*o)))
            .collect(),
        developer: part(owed.developer),
    };
    let mut rest = amount - out.total();
    let to_developer = rest.min(owed.developer - out.developer).max(0);
    out.developer += to_developer;
    rest -= to_developer;
    if rest > 0 && out.platform < owed.platform {
        out.platform += 1;
        rest -= 1;
    }
    for (part, (_, o)) in out.contributors.iter_mut().zip(&owed.contributors) {
        if rest > 0 && part.1 < *o {
            part.1 += 1;
            rest -= 1;
        }
    }
    // Only when more than the owed total is asked: the excess is the developer's.
    out.developer += rest;
    Ok(out)
}

/// A dispute decision: the remaining amount split between developer and client, given as
/// amounts or as the developer's percentage (basis points, the client taking the rest).
pub fn dispute_split(
    currency: &str,
    remaining: i64,
    developer: Option<i64>,
    client: Option<i64>,
    developer_bps: Option<i64>,
) -> Result<(i64, i64), DomainError> {
    let (d, c) = match (developer, client, developer_bps) {
        (Some(d), Some(c), None) => (d, c),
        (Some(d), None, None) => (d, remaining - d),
        (None, Some(c), None) => (remaining - c, c),
        (None, None, Some(bps)) if (0..=10_000).contains(&bps) => {
            let d = super::commission::commission_amount(remaining, bps)?;
            (d, remaining - d)
        }
        (None, None, Some(bps)) => return Err(DomainError::InvalidRate { bps }),
        _ => return Err(DomainError::SplitUnclear),
    };
    if d < 0 || c < 0 || d + c != remaining {
        return Err(DomainError::SplitMismatch {
            developer: d,
            client: c,
            remaining,
            currency: currency.to_owned(),
        });
    }
    Ok((d, c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn statuses_follow_the_amounts() {
        let a = |held, released, refunded| Amounts {
            held,
            released,
            refunded,
        };
        assert_eq!(a(100, 0, 0).status(), EscrowStatus::Held);
        assert_eq!(a(100, 40, 0).status(), EscrowStatus::PartiallyReleased);
        assert_eq!(a(100, 100, 0).status(), EscrowStatus::Released);
        assert_eq!(a(100, 0, 30).status(), EscrowStatus::PartiallyRefunded);
        assert_eq!(a(100, 0, 100).status(), EscrowStatus::Refunded);
        assert_eq!(a(100, 60, 40).status(), EscrowStatus::Released);
        assert!(matches!(
            a(100, 60, 0).take(41, true, "XOF"),
            Err(DomainError::EscrowOverdrawn {
                asked: 41,
                remaining: 40,
                ..
            })
        ));
    }

    #[test]
    fn a_release_divides_to_the_franc() {
        // 450 000 held, 67 500 commission, one contributor owed 20 000.
        let held = Amounts {
            held: 450_000,
            ..Amounts::default()
        };
        let shares = Shares {
            commission: 67_500,
            contributors: vec![(7, 20_000)],
        };
        let o = owed(held, &shares, &Moved::default());
        assert_eq!(o.developer, 362_500);
        assert_eq!(o.total(), 450_000);
        let half = divide(225_000, &o).unwrap();
        assert_eq!(half.platform, 33_750);
        assert_eq!(half.contributors, vec![(7, 10_000)]);
        assert_eq!(half.developer, 181_250);
        let all = divide(450_000, &o).unwrap();
        assert_eq!(all, o);
    }

    #[test]
    fn dispute_splits_add_up() {
        assert_eq!(
            dispute_split("XOF", 1000, Some(600), None, None).unwrap(),
            (600, 400)
        );
        assert_eq!(
            dispute_split("XOF", 1000, None, None, Some(2_500)).unwrap(),
            (250, 750)
        );
        assert!(dispute_split("XOF", 1000, Some(600), Some(500), None).is_err());
        assert!(dispute_split("XOF", 1000, Some(1001), None, None).is_err());
        assert!(dispute_split("XOF", 1000, None, None, None).is_err());
    }

    proptest! {
        #[test]
        fn parts_always_add_up_and_never_exceed_what_is_owed(
            held in 1i64..10_000_000_000,
            rate in 0i64..=10_000,
            contributors in prop::collection::vec(0i64..1_000_000, 0..4),
            take in 1u32..=100,
        ) {
            let commission = crate::domain::commission::commission_amount(held, rate).unwrap();
            let contributors: Vec<(i64, i64)> = contributors
                .iter()
                .enumerate()
                .map(|(i, a)| (i as i64, (*a).min((held - commission) / 4)))
                .collect();
            let shares = Shares { commission, contributors };
            let amounts = Amounts { held, ..Amounts::default() };
            let o = owed(amounts, &shares, &Moved::default());
            prop_assert_eq!(o.total(), held);
            let amount = (held * i64::from(take) / 100).max(1);
            let d = divide(amount, &o).unwrap();
            prop_assert_eq!(d.total(), amount);
            prop_assert!(d.platform <= o.platform);
            for (part, owed) in d.contributors.iter().zip(&o.contributors) {
                prop_assert!(part.1 >= 0 && part.1 <= owed.1);
            }
            prop_assert!(d.developer >= 0);
        }

        /// Releases and refunds in any order: what is owed always adds up to what is left,
        /// and nobody is ever paid beyond their share of the gross.
        #[test]
        fn owed_never_exceeds_what_is_left(
            held in 1i64..10_000_000,
            rate in 0i64..=10_000,
            contributors in prop::collection::vec(0i64..1_000_000, 0..3),
            steps in prop::collection::vec((any::<bool>(), 1u32..=100), 1..12),
        ) {
            let commission = crate::domain::commission::commission_amount(held, rate).unwrap();
            let room = held - commission;
            let shares = Shares {
                commission,
                contributors: contributors
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (i as i64, (*a).min(room / 4)))
                    .collect(),
            };
            let mut amounts = Amounts { held, ..Amounts::default() };
            let mut moved = Moved::default();
            for (refund, pct) in steps {
                let left = amounts.remaining();
                if left == 0 {
                    break;
                }
                let amount = (left * i64::from(pct) / 100).max(1);
                if refund {
                    amounts = amounts.take(amount, true, "XOF").unwrap();
                } else {
                    let o = owed(amounts, &shares, &moved);
                    let d = divide(amount, &o).unwrap();
                    prop_assert_eq!(d.total(), amount);
                    moved.platform += d.platform;
                    moved.developer += d.developer;
                    for (id, a) in d.contributors {
                        moved.contributors.push((id, a));
                    }
                    amounts = amounts.take(amount, false, "XOF").unwrap();
                }
                let o = owed(amounts, &shares, &moved);
                prop_assert_eq!(o.total(), amounts.remaining());
                prop_assert!(o.platform >= 0 && o.developer >= 0);
                prop_assert!(o.contributors.iter().all(|c| c.1 >= 0));
                prop_assert!(overpaid(held, &shares, &moved).is_empty(), "{:?}", overpaid(held, &shares, &moved));
            }
        }
    }
}
