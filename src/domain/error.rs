//! Every way a domain rule can refuse an input. Each variant carries its
//! parameters so the UI can render the message in French from `code()` +
//! `params()`; the English `Display` text is the fallback and the log text.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("amount \"{input}\" is negative; enter an amount of zero or more")]
    NegativeAmount { input: String },

    #[error("amount is too large to store; the maximum is 9 223 372 036 854 775 807 minor units")]
    AmountOverflow,

    #[error(
        "\"{input}\" is not a valid amount; use digits, spaces between thousands and one comma \
         or dot before the decimals (e.g. 450 000 or 1 234,50)"
    )]
    InvalidAmount { input: String },

    #[error("{}", decimals_message(.currency, .max))]
    TooManyDecimals { currency: String, max: u8 },

    #[error(
        "unknown currency \"{code}\"; supported currencies are XOF, XAF, EUR, USD, GHS and NGN"
    )]
    UnknownCurrency { code: String },

    #[error("\"{value}\" is not a valid {kind}")]
    UnknownStatus { kind: &'static str, value: String },

    #[error("cannot move {} {kind} from {} to {}", article(.kind), human(.from), human(.to))]
    IllegalTransition {
        kind: &'static str,
        from: String,
        to: String,
    },

    #[error("{field} must not be empty")]
    EmptyText { field: &'static str },

    #[error("{field} is {actual} bytes; the limit is {max_bytes}")]
    TextTooLong {
        field: &'static str,
        max_bytes: usize,
        actual: usize,
    },

    #[error("rate of {bps} basis points is out of range; use 0 to 10000 (0 % to 100 %)")]
    InvalidRate { bps: i64 },

    #[error(
        "external commissions exceed the developer's share (the developer would get {developer_net} \
         minor units); lower the external commissions"
    )]
    NegativeSplit { developer_net: i64 },

    #[error(
        "expected an amount in {expected} but got {found}; a project's amounts share one currency"
    )]
    CurrencyMismatch { expected: String, found: String },

    #[error("{asked} {currency} (minor units) is more than the {remaining} left in escrow")]
    EscrowOverdrawn {
        asked: i64,
        remaining: i64,
        currency: String,
    },

    #[error("say the developer's amount, the client's, or the developer's percentage")]
    SplitUnclear,

    #[error(
        "escrow #{escrow_id} still holds {amount} {currency} (minor units) of this part; a commission \
         is paid from what releases moved: release the escrow first"
    )]
    CommissionInEscrow {
        escrow_id: i64,
        amount: i64,
        currency: String,
    },

    #[error(
        "nothing of this part was ever released from escrow #{escrow_id} (the client got the money \
         back): there is nothing to pay; cancel it instead"
    )]
    CommissionNeverReleased { escrow_id: i64 },

    #[error(
        "payout #{payment_id} has no transfer that paid it out of the payable account; nothing can \
         be returned, and nothing was recorded"
    )]
    PayoutWithoutTransfers { payment_id: i64 },

    #[error(
        "the developer's {developer} and the client's {client} {currency} must add up to the {remaining} left"
    )]
    SplitMismatch {
        developer: i64,
        client: i64,
        remaining: i64,
        currency: String,
    },
}

impl DomainError {
    /// Stable identifier for translations and tests; never reworded.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NegativeAmount { .. } => "domain.negative_amount",
            Self::AmountOverflow => "domain.amount_overflow",
            Self::InvalidAmount { .. } => "domain.invalid_amount",
            Self::TooManyDecimals { .. } => "domain.too_many_decimals",
            Self::UnknownCurrency { .. } => "domain.unknown_currency",
            Self::UnknownStatus { .. } => "domain.unknown_status",
            Self::IllegalTransition { .. } => "domain.illegal_transition",
            Self::EmptyText { .. } => "domain.empty_text",
            Self::TextTooLong { .. } => "domain.text_too_long",
            Self::InvalidRate { .. } => "domain.invalid_rate",
            Self::NegativeSplit { .. } => "domain.negative_split",
            Self::CurrencyMismatch { .. } => "domain.currency_mismatch",
            Self::EscrowOverdrawn { .. } => "domain.escrow_overdrawn",
            Self::SplitUnclear => "domain.split_unclear",
            Self::CommissionInEscrow { .. } => "domain.commission_in_escrow",
            Self::CommissionNeverReleased { .. } => "domain.commission_never_released",
            Self::PayoutWithoutTransfers { .. } => "domain.payout_without_transfers",
            Self::SplitMismatch { .. } => "domain.split_mismatch",
        }
    }

    /// Named parameters for the translated message, in a stable order.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::NegativeAmount { input } | Self::InvalidAmount { input } => {
                vec![("input", input.clone())]
            }
            Self::AmountOverflow => Vec::new(),
            Self::TooManyDecimals { currency, max } => {
                vec![("currency", currency.clone()), ("max", max.to_string())]
            }
            Self::UnknownCurrency { code } => vec![("code", code.clone())],
            Self::UnknownStatus { kind, value } => {
                vec![("kind", (*kind).to_owned()), ("value", value.clone())]
            }
            Self::IllegalTransition { kind, from, to } => vec![
                ("kind", (*kind).to_owned()),
                ("from", from.clone()),
                ("to", to.clone()),
            ],
            Self::EmptyText { field } => vec![("field", (*field).to_owned())],
            Self::TextTooLong {
                field,
                max_bytes,
                actual,
            } => vec![
                ("field", (*field).to_owned()),
                ("max_bytes", max_bytes.to_string()),
                ("actual", actual.to_string()),
            ],
            Self::InvalidRate { bps } => vec![("bps", bps.to_string())],
            Self::NegativeSplit { developer_net } => {
                vec![("developer_net", developer_net.to_string())]
            }
            Self::CurrencyMismatch { expected, found } => {
                vec![("expected", expected.clone()), ("found", found.clone())]
            }
            Self::EscrowOverdrawn {
                asked,
                remaining,
                currency,
            } => vec![
                ("currency", currency.clone()),
                ("asked", asked.to_string()),
                ("remaining", remaining.to_string()),
            ],
            Self::SplitUnclear => Vec::new(),
            Self::CommissionInEscrow {
                escrow_id,
                amount,
                currency,
            } => vec![
                ("currency", currency.clone()),
                ("escrow", escrow_id.to_string()),
                ("amount", amount.to_string()),
            ],
            Self::CommissionNeverReleased { escrow_id } => {
                vec![("escrow", escrow_id.to_string())]
            }
            Self::PayoutWithoutTransfers { payment_id } => {
                vec![("payout", payment_id.to_string())]
            }
            Self::SplitMismatch {
                developer,
                client,
                remaining,
                currency,
            } => vec![
                ("currency", currency.clone()),
                ("developer", developer.to_string()),
                ("client", client.to_string()),
                ("remaining", remaining.to_string()),
            ],
        }
    }
}

fn decimals_message(currency: &str, max: &u8) -> String {
    match *max {
        0 => format!("{currency} amounts are whole numbers; remove the decimals"),
        1 => format!("{currency} amounts have at most 1 decimal place"),
        n => format!("{currency} amounts have at most {n} decimal places"),
    }
}

/// Stored states use snake_case; people read "in progress".
fn human(state: &str) -> String {
    state.replace('_', " ")
}

fn article(noun: &str) -> &'static str {
    match noun.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_actionable() {
        let e = DomainError::IllegalTransition {
            kind: "project",
            from: "draft".into(),
            to: "completed".into(),
        };
        assert_eq!(
            e.to_string(),
            "cannot move a project from draft to completed"
        );
        assert_eq!(e.code(), "domain.illegal_transition");
        assert_eq!(e.params()[1], ("from", "draft".to_owned()));

        let e = DomainError::IllegalTransition {
            kind: "escrow",
            from: "awaiting_funds".into(),
            to: "partially_released".into(),
        };
        assert_eq!(
            e.to_string(),
            "cannot move an escrow from awaiting funds to partially released"
        );

        let e = DomainError::TextTooLong {
            field: "reason",
            max_bytes: 4096,
            actual: 1_048_576,
        };
        assert_eq!(e.to_string(), "reason is 1048576 bytes; the limit is 4096");

        let e = DomainError::TooManyDecimals {
            currency: "XOF".into(),
            max: 0,
        };
        assert_eq!(
            e.to_string(),
            "XOF amounts are whole numbers; remove the decimals"
        );
        let e = DomainError::TooManyDecimals {
            currency: "EUR".into(),
            max: 2,
        };
        assert_eq!(e.to_string(), "EUR amounts have at most 2 decimal places");
    }

    #[test]
    fn codes_are_namespaced_snake_case() {
        let all = [
            DomainError::NegativeAmount { input: "-1".into() },
            DomainError::AmountOverflow,
            DomainError::InvalidAmount { input: "x".into() },
            DomainError::UnknownCurrency { code: "ABC".into() },
            DomainError::EmptyText { field: "title" },
            DomainError::InvalidRate { bps: 10_001 },
            DomainError::NegativeSplit { developer_net: -5 },
            DomainError::CurrencyMismatch {
                expected: "XOF".into(),
                found: "EUR".into(),
            },
            DomainError::SplitUnclear,
        ];
        for e in all {
            let code = e.code();
            assert!(code.starts_with("domain."));
            assert!(
                code.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
            );
            assert!(!e.to_string().is_empty());
        }
    }
}
