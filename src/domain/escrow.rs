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

/// What each party is owed from an escrow whose gross is `held`: the platform `commission`
/// and the `contributors`' amounts, less what already moved to them (`platform_moved`,
/// `contributors_moved`, `developer_moved`); the developer is owed the rest of the gross.
/// Nobody is owed less than nothing.
pub fn owed(
    held: i64,
    commission: i64,
    platform_moved: i64,
    contributors: &[(i64, i64, i64)],
    developer_moved: i64,
) -> Owed {
    let contributors_total: i64 = contributors.iter().map(|c| c.1).sum();
    let developer_total = held - commission - contributors_total;
    Owed {
        platform: (commission - platform_moved).max(0),
        contributors: contributors
            .iter()
            .map(|(id, amount, moved)| (*id, (amount - moved).max(0)))
            .collect(),
        developer: (developer_total - developer_moved).max(0),
    }
}

/// How `amount` of what is left divides between the parties still owed: each non-developer
/// part in proportion (rounded down), the developer takes the rest, so the parts add up to
/// `amount` exactly. Releasing everything left pays each party what it is owed when the owed
/// total equals what is left.
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
        let share = i128::from(amount) * i128::from(owed_part) / i128::from(total);
        i64::try_from(share).unwrap_or(0).min(owed_part)
    };
    let platform = part(owed.platform);
    let contributors: Vec<(i64, i64)> = owed
        .contributors
        .iter()
        .map(|(id, o)| (*id, part(*o)))
        .collect();
    let developer = amount - platform - contributors.iter().map(|c| c.1).sum::<i64>();
    Ok(Owed {
        platform,
        contributors,
        developer,
    })
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
        let o = owed(450_000, 67_500, 0, &[(7, 20_000, 0)], 0);
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
            let contributors: Vec<(i64, i64, i64)> = contributors
                .iter()
                .enumerate()
                .map(|(i, a)| (i as i64, (*a).min((held - commission) / 4), 0))
                .collect();
            let o = owed(held, commission, 0, &contributors, 0);
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
    }
}
