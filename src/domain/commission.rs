//! Commission arithmetic: the platform's half-up share and the split of a
//! gross amount between platform, external contributors and the developer.
//! All in minor units; the parts always add up to the gross.

use super::error::DomainError;

/// round_half_up(gross × rate_bps / 10 000), in i128 so no product overflows.
pub fn commission_amount(gross: i64, rate_bps: i64) -> Result<i64, DomainError> {
    if gross < 0 {
        return Err(DomainError::NegativeAmount {
            input: gross.to_string(),
        });
    }
    if !(0..=10_000).contains(&rate_bps) {
        return Err(DomainError::InvalidRate { bps: rate_bps });
    }
    // Both operands are non-negative, so adding half the divisor then flooring
    // is half-up. The result is <= gross, hence fits in i64.
    let share = (i128::from(gross) * i128::from(rate_bps) + 5_000) / 10_000;
    i64::try_from(share).map_err(|_| DomainError::AmountOverflow)
}

/// How an external contributor is paid, out of the developer's share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtBasis {
    /// A fixed amount in minor units.
    Fixed(i64),
    /// Basis points of the developer's share (gross − platform).
    Percent(i64),
}

/// Who gets what from one gross amount; the parts always add up to `gross`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Split {
    pub gross: i64,
    pub rate_bps: i64,
    pub platform: i64,
    pub external: Vec<i64>,
    pub developer_net: i64,
}

/// Platform takes its half-up commission; external contributors are paid from
/// what remains; the developer keeps the rest, including every rounding
/// remainder. Refused if the developer would end up below zero.
pub fn split(gross: i64, rate_bps: i64, externals: &[ExtBasis]) -> Result<Split, DomainError> {
    let platform = commission_amount(gross, rate_bps)?;
    let developer_share = gross - platform; // cannot underflow: platform <= gross
    let mut external = Vec::with_capacity(externals.len());
    let mut external_total: i128 = 0;
    for basis in externals {
        let amount = match *basis {
            ExtBasis::Fixed(amount) if amount < 0 => {
                return Err(DomainError::NegativeAmount {
                    input: amount.to_string(),
                });
            }
            ExtBasis::Fixed(amount) => amount,
            ExtBasis::Percent(bps) => commission_amount(developer_share, bps)?,
        };
        external_total += i128::from(amount);
        external.push(amount);
    }
    let net = i128::from(developer_share) - external_total;
    if net < 0 {
        let developer_net = i64::try_from(net).unwrap_or(i64::MIN);
        return Err(DomainError::NegativeSplit { developer_net });
    }
    // 0 <= net <= developer_share, so it fits.
    let developer_net = i64::try_from(net).map_err(|_| DomainError::AmountOverflow)?;
    Ok(Split {
        gross,
        rate_bps,
        platform,
        external,
        developer_net,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commission_rounds_half_up() {
        assert_eq!(commission_amount(450_000, 1_500), Ok(67_500));
        assert_eq!(commission_amount(1, 5_000), Ok(1)); // 0.5 -> 1
        assert_eq!(commission_amount(3, 1_500), Ok(0)); // 0.45 -> 0
        assert_eq!(commission_amount(10, 1_550), Ok(2)); // 1.55 -> 2
        assert_eq!(commission_amount(i64::MAX, 10_000), Ok(i64::MAX));
        assert_eq!(commission_amount(0, 0), Ok(0));
        assert!(matches!(
            commission_amount(-1, 100),
            Err(DomainError::NegativeAmount { .. })
        ));
        assert_eq!(
            commission_amount(1, 10_001),
            Err(DomainError::InvalidRate { bps: 10_001 })
        );
        assert_eq!(
            commission_amount(1, -1),
            Err(DomainError::InvalidRate { bps: -1 })
        );
    }

    #[test]
    fn splits_add_up() {
        let s = split(
            450_000,
            1_500,
            &[ExtBasis::Fixed(20_000), ExtBasis::Percent(1_000)],
        )
        .unwrap();
        assert_eq!(s.platform, 67_500);
        assert_eq!(s.external, vec![20_000, 38_250]);
        assert_eq!(s.developer_net, 450_000 - 67_500 - 20_000 - 38_250);
        assert_eq!(
            s.platform + s.external.iter().sum::<i64>() + s.developer_net,
            s.gross
        );

        let s = split(0, 1_500, &[]).unwrap();
        assert_eq!((s.platform, s.developer_net), (0, 0));

        assert_eq!(
            split(100, 1_000, &[ExtBasis::Fixed(91)]),
            Err(DomainError::NegativeSplit { developer_net: -1 })
        );
        assert_eq!(
            split(
                100,
                0,
                &[ExtBasis::Fixed(i64::MAX), ExtBasis::Fixed(i64::MAX)]
            ),
            Err(DomainError::NegativeSplit {
                developer_net: i64::MIN
            })
        );
        assert!(matches!(
            split(100, 0, &[ExtBasis::Fixed(-1)]),
            Err(DomainError::NegativeAmount { .. })
        ));
        assert!(matches!(
            split(100, 0, &[ExtBasis::Percent(20_000)]),
            Err(DomainError::InvalidRate { .. })
        ));
    }
}
