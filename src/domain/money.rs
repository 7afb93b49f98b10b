//! Money as integer minor units plus an ISO 4217 code. Never floats: every
//! amount is an `i64` count of the currency's smallest unit (francs for
//! XOF/XAF, cents for EUR), and all rounding is explicit half-up.

use super::error::DomainError;
use super::locale::Locale;

// Commission arithmetic lives in its own file; re-exported so `money::split` works.
pub use super::commission::{ExtBasis, Split, commission_amount, split};

/// Currencies the platform settles in. XOF/XAF have no minor unit.
#[allow(clippy::upper_case_acronyms)]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Currency {
    XOF,
    XAF,
    EUR,
    USD,
    GHS,
    NGN,
}

impl Currency {
    pub const ALL: &'static [Currency] = &[
        Currency::XOF,
        Currency::XAF,
        Currency::EUR,
        Currency::USD,
        Currency::GHS,
        Currency::NGN,
    ];

    /// ISO 4217 code, as stored in `CHAR(3)` columns.
    pub const fn code(self) -> &'static str {
        match self {
            Currency::XOF => "XOF",
            Currency::XAF => "XAF",
            Currency::EUR => "EUR",
            Currency::USD => "USD",
            Currency::GHS => "GHS",
            Currency::NGN => "NGN",
        }
    }

    /// Same as `code`, for symmetry with the other stored enums.
    pub const fn as_str(self) -> &'static str {
        self.code()
    }

    /// Digits after the decimal point (ISO 4217 minor unit).
    pub const fn exponent(self) -> u8 {
        match self {
            Currency::XOF | Currency::XAF => 0,
            _ => 2,
        }
    }

    /// Accepts the code in any case ("xof", " EUR ").
    pub fn parse(code: &str) -> Result<Currency, DomainError> {
        let wanted = code.trim();
        Currency::ALL
            .iter()
            .copied()
            .find(|c| c.code().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| DomainError::UnknownCurrency {
                code: code.to_owned(),
            })
    }

    /// Symbol and whether it goes before the number, per locale.
    fn symbol(self, locale: Locale) -> (&'static str, bool) {
        match (self, locale) {
            // Both are "FCFA" on the street, but they are two currencies (BCEAO, BEAC) that
            // must never look alike: the ISO code tells them apart, in both languages.
            (Currency::XOF, _) => ("XOF", false),
            (Currency::XAF, _) => ("XAF", false),
            (Currency::EUR, Locale::Fr) => ("€", false),
            (Currency::EUR, Locale::En) => ("€", true),
            (Currency::USD, Locale::Fr) => ("$US", false),
            (Currency::USD, Locale::En) => ("$", true),
            (Currency::GHS, Locale::Fr) => ("GH₵", false),
            (Currency::GHS, Locale::En) => ("GH₵", true),
            (Currency::NGN, Locale::Fr) => ("₦", false),
            (Currency::NGN, Locale::En) => ("₦", true),
        }
    }
}

/// An amount tied to its currency, so amounts of different currencies cannot
/// be added by mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Currency {
    type Err = DomainError;
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Currency::parse(code)
    }
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn format(self, locale: Locale) -> String {
        format_money(self.minor, self.currency, locale)
    }

    /// The amount as files and APIs write it: no grouping, a dot before the decimals
    /// ("450000", "4500.00"), as `parse_amount` reads it back.
    pub fn plain(self) -> String {
        let exp = u32::from(self.currency.exponent());
        if exp == 0 {
            return self.minor.to_string();
        }
        let div = 10i64.pow(exp);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let div = div.unsigned_abs();
        format!(
            "{sign}{}.{:0width$}",
            abs / div,
            abs % div,
            width = exp as usize
        )
    }

    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(DomainError::AmountOverflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, DomainError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(DomainError::AmountOverflow)?;
        Ok(Money::new(minor, self.currency))
    }

    fn same_currency(self, other: Money) -> Result<(), DomainError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(DomainError::CurrencyMismatch {
                expected: self.currency.code().to_owned(),
                found: other.currency.code().to_owned(),
            })
        }
    }
}

/// French: `450 000 XOF`, `1 234,50 €`, `1 234,50 $US` (plain ASCII space so
/// terminals align columns); English: `450,000 XOF`, `€1,234.50`, `$1,234.50`.
pub fn format_money(minor: i64, currency: Currency, locale: Locale) -> String {
    let (group_sep, decimal_sep) = match locale {
        Locale::Fr => (' ', ','),
        Locale::En => (',', '.'),
    };
    // unsigned_abs: i64::MIN has no positive i64 counterpart.
    let abs = minor.unsigned_abs();
    let exp = u32::from(currency.exponent());
    let scale = 10u64.pow(exp);
    let (units, frac) = (abs / scale, abs % scale);

    let digits = units.to_string();
    let mut number = String::with_capacity(digits.len() * 4 / 3 + 8);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            number.push(group_sep);
        }
        number.push(d);
    }
    if exp > 0 {
        number.push(decimal_sep);
        number.push_str(&format!("{frac:0width$}", width = exp as usize));
    }

    let sign = if minor < 0 { "-" } else { "" };
    match currency.symbol(locale) {
        (symbol, true) => format!("{sign}{symbol}{number}"),
        (symbol, false) => format!("{sign}{number} {symbol}"),
    }
}

/// Parses an amount written as the screen shows it in `locale`: English groups thousands with
/// commas ("33,750", "1,234.50"), French with spaces and writes decimals with a comma
/// ("33 750", "1 234,50"). Anything `parse_amount` takes is taken too.
pub fn parse_display_amount(
    input: &str,
    currency: Currency,
    locale: Locale,
) -> Result<i64, DomainError> {
    if locale == Locale::En {
        let text = input.trim();
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text, None),
        };
        let groups: Vec<&str> = int.split(',').collect();
        let grouped = groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3);
        if grouped {
            let plain = groups.concat();
            let plain = match frac {
                Some(f) => format!("{plain}.{f}"),
                None => plain,
            };
            return parse_amount(&plain, currency).map_err(|_| DomainError::InvalidAmount {
                input: input.to_owned(),
            });
        }
    }
    parse_amount(input, currency)
}

/// Parses what a person types: "450000", "450 000", "1234,50", "1234.50",
/// "1 234,5", optionally with the currency's code or symbol ("450 000 FCFA").
/// Spaces (also no-break spaces) separate groups of three digits; one comma or
/// dot starts the decimals. Negative amounts are refused: direction is carried
/// by the operation, never by the sign.
pub fn parse_amount(input: &str, currency: Currency) -> Result<i64, DomainError> {
    let invalid = || DomainError::InvalidAmount {
        input: input.to_owned(),
    };
    let negative = || DomainError::NegativeAmount {
        input: input.to_owned(),
    };

    let normalised: String = input
        .chars()
        .map(|c| {
            if matches!(c, '\u{a0}' | '\u{202f}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut text = normalised.trim();
    if text.starts_with(['-', '−']) {
        return Err(negative());
    }
    text = strip_symbol(text, currency);
    if text.starts_with(['-', '−']) {
        return Err(negative());
    }
    if text.is_empty() {
        return Err(invalid());
    }

    let mut parts = text.split([',', '.']);
    let int_part = parts.next().unwrap_or_default();
    let frac_part = parts.next();
    if parts.next().is_some() {
        return Err(invalid());
    }

    // Digit groups: "1 234 567" -> the first has 1-3 digits, the rest exactly 3.
    let groups: Vec<&str> = int_part.split(' ').collect();
    let grouped_ok = groups.len() == 1
        || groups.iter().enumerate().all(|(i, g)| {
            if i == 0 {
                (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            }
        });
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !grouped_ok || !groups.iter().all(|g| all_digits(g)) {
        return Err(invalid());
    }

    let exp = usize::from(currency.exponent());
    let frac = match frac_part {
        None => "",
        Some(f) if !all_digits(f) => return Err(invalid()),
        Some(f) if f.len() > exp => {
            return Err(DomainError::TooManyDecimals {
                currency: currency.code().to_owned(),
                max: currency.exponent(),
            });
        }
        Some(f) => f,
    };

    // Integer digits, then the decimals right-padded with zeros to the exponent.
    let padded = frac.bytes().chain(std::iter::repeat(b'0')).take(exp);
    let mut value: i64 = 0;
    for b in groups.iter().flat_map(|g| g.bytes()).chain(padded) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or(DomainError::AmountOverflow)?;
    }
    Ok(value)
}

/// Removes one leading or trailing code/symbol of `currency`, if present.
fn strip_symbol(text: &str, currency: Currency) -> &str {
    let (fr, _) = currency.symbol(Locale::Fr);
    let (en, _) = currency.symbol(Locale::En);
    // What both CFA francs are called in everyday writing.
    let common = match currency {
        Currency::XOF | Currency::XAF => "FCFA",
        _ => currency.code(),
    };
    // Longest first so "$US" is not left as "US".
    let mut candidates = [currency.code(), fr, en, common];
    candidates.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for symbol in candidates {
        let n = symbol.len();
        if text.len() >= n
            && text.is_char_boundary(text.len() - n)
            && text[text.len() - n..].eq_ignore_ascii_case(symbol)
        {
            return text[..text.len() - n].trim_end();
        }
        if text.len() >= n && text.is_char_boundary(n) && text[..n].eq_ignore_ascii_case(symbol) {
            return text[n..].trim_start();
        }
    }
    text
}

/// A rate in basis points as a percentage with two decimals ("15,00 %" / "15.00%"), without
/// floating point.
pub fn format_rate(bps: i64, locale: Locale) -> String {
    let sign = if bps < 0 { "-" } else { "" };
    let abs = bps.unsigned_abs();
    match locale {
        Locale::Fr => format!("{sign}{},{:02} %", abs / 100, abs % 100),
        Locale::En => format!("{sign}{}.{:02}%", abs / 100, abs % 100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Currency::*;

    #[test]
    fn formats_french() {
        let fr = Locale::Fr;
        assert_eq!(format_money(450_000, XOF, fr), "450 000 XOF");
        assert_eq!(format_money(450_000, XAF, fr), "450 000 XAF");
        assert_eq!(format_money(123_450, EUR, fr), "1 234,50 €");
        assert_eq!(format_money(123_450, USD, fr), "1 234,50 $US");
        assert_eq!(format_money(5, EUR, fr), "0,05 €");
        assert_eq!(format_money(0, XOF, fr), "0 XOF");
        assert_eq!(format_money(-1_500, XOF, fr), "-1 500 XOF");
        assert_eq!(format_money(999, XOF, fr), "999 XOF");
        assert_eq!(format_money(1_000, XOF, fr), "1 000 XOF");
    }

    #[test]
    fn formats_english() {
        let en = Locale::En;
        assert_eq!(format_money(450_000, XOF, en), "450,000 XOF");
        assert_eq!(format_money(450_000, XAF, en), "450,000 XAF");
        assert_eq!(format_money(123_450, EUR, en), "€1,234.50");
        assert_eq!(format_money(123_450, USD, en), "$1,234.50");
        assert_eq!(format_money(-123_450, USD, en), "-$1,234.50");
        assert_eq!(format_money(100, NGN, en), "₦1.00");
    }

    #[test]
    fn formats_extremes_without_overflow() {
        assert_eq!(
            format_money(i64::MIN, XOF, Locale::Fr),
            "-9 223 372 036 854 775 808 XOF"
        );
        assert_eq!(
            format_money(i64::MIN, EUR, Locale::En),
            "-€92,233,720,368,547,758.08"
        );
        assert_eq!(
            format_money(i64::MAX, EUR, Locale::Fr),
            "92 233 720 368 547 758,07 €"
        );
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_amount("450000", XOF), Ok(450_000));
        assert_eq!(parse_amount("450 000", XOF), Ok(450_000));
        assert_eq!(parse_amount("450\u{a0}000", XOF), Ok(450_000));
        assert_eq!(parse_amount(" 450 000 FCFA ", XOF), Ok(450_000));
        assert_eq!(parse_amount("1234,50", EUR), Ok(123_450));
        assert_eq!(parse_amount("1234.50", EUR), Ok(123_450));
        assert_eq!(parse_amount("1 234,5", EUR), Ok(123_450));
        assert_eq!(parse_amount("1 234,50 €", EUR), Ok(123_450));
        assert_eq!(parse_amount("€1234.50", EUR), Ok(123_450));
        assert_eq!(parse_amount("1 234,50 $US", USD), Ok(123_450));
        assert_eq!(parse_amount("$12", USD), Ok(1_200));
        assert_eq!(parse_amount("12 eur", EUR), Ok(1_200));
        assert_eq!(parse_amount("0", XOF), Ok(0));
        assert_eq!(parse_amount("9223372036854775807", XOF), Ok(i64::MAX));
    }

    #[test]
    fn parses_amounts_as_shown() {
        assert_eq!(parse_display_amount("33,750", XOF, Locale::En), Ok(33_750));
        assert_eq!(
            parse_display_amount("1,234.50", EUR, Locale::En),
            Ok(123_450)
        );
        assert_eq!(parse_display_amount("33 750", XOF, Locale::Fr), Ok(33_750));
        assert_eq!(
            parse_display_amount("1 234,50", EUR, Locale::Fr),
            Ok(123_450)
        );
        assert!(parse_display_amount("33,75,0", XOF, Locale::En).is_err());
        assert!(parse_display_amount("abc", XOF, Locale::Fr).is_err());
    }

    #[test]
    fn refuses_bad_amounts() {
        let invalid = |s: &str| DomainError::InvalidAmount {
            input: s.to_owned(),
        };
        for s in [
            "", "  ", "abc", "12a", "1,2,3", "1.234,50", "1 23", "1234 567", "1  000", ",5", "5,",
            "FCFA", "+5", "1e3",
        ] {
            assert_eq!(parse_amount(s, EUR), Err(invalid(s)), "{s:?}");
        }
        assert_eq!(
            parse_amount("-5", XOF),
            Err(DomainError::NegativeAmount { input: "-5".into() })
        );
        assert!(matches!(
            parse_amount("€-5", EUR),
            Err(DomainError::NegativeAmount { .. })
        ));
        assert_eq!(
            parse_amount("1,5", XOF),
            Err(DomainError::TooManyDecimals {
                currency: "XOF".into(),
                max: 0
            })
        );
        assert_eq!(
            parse_amount("1,505", EUR),
            Err(DomainError::TooManyDecimals {
                currency: "EUR".into(),
                max: 2
            })
        );
        assert_eq!(
            parse_amount("9223372036854775808", XOF),
            Err(DomainError::AmountOverflow)
        );
        assert_eq!(
            parse_amount("92233720368547758,08", EUR),
            Err(DomainError::AmountOverflow)
        );
        assert_eq!(parse_amount("450 000 €", XOF), Err(invalid("450 000 €")));
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse(" xof "), Ok(XOF));
        assert_eq!(
            Currency::parse("ABC"),
            Err(DomainError::UnknownCurrency { code: "ABC".into() })
        );
        assert_eq!(Currency::ALL.len(), 6);
        assert_eq!(EUR.exponent(), 2);
        assert_eq!(XAF.exponent(), 0);
    }

    #[test]
    fn money_refuses_mixed_currencies() {
        let a = Money::new(100, XOF);
        assert_eq!(a.checked_add(Money::new(50, XOF)), Ok(Money::new(150, XOF)));
        assert_eq!(
            a.checked_add(Money::new(50, EUR)),
            Err(DomainError::CurrencyMismatch {
                expected: "XOF".into(),
                found: "EUR".into()
            })
        );
        assert_eq!(
            Money::new(i64::MAX, XOF).checked_add(Money::new(1, XOF)),
            Err(DomainError::AmountOverflow)
        );
        assert_eq!(Money::new(123_450, EUR).format(Locale::Fr), "1 234,50 €");
    }
}
