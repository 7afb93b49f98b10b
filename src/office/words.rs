//! Codes as people read them, in the staff member's language: payment providers, ledger
//! accounts, the idempotency keys and batches of ledger transfers, settings, the checks of
//! `ledger verify`. Screens and text output show these words; JSON output and CSV exports keep
//! the codes (machines read those).

use crate::domain::Locale;
use crate::tr;

/// Looks `key` up, or `None` when the locale files do not have it.
fn lookup(locale: Locale, key: &str, args: &[(&str, &str)]) -> Option<String> {
    let text = tr(locale, key, args);
    (text != key).then_some(text)
}

/// "MTN MoMo", "Orange Money", "Wave": a payment provider's name; an unknown code as it is.
pub fn provider(code: &str, locale: Locale) -> String {
    lookup(locale, &format!("provider.{code}"), &[]).unwrap_or_else(|| code.to_owned())
}

/// "Provider clearing", "Client funds": a ledger account by its code (or kind).
pub fn account(code: &str, locale: Locale) -> String {
    lookup(locale, &format!("ledger_account.{code}"), &[]).unwrap_or_else(|| code.replace('_', " "))
}

/// "Provider clearing → Client funds": the movement of a transfer.
pub fn movement(debit: &str, credit: &str, locale: Locale) -> String {
    format!("{} → {}", account(debit, locale), account(credit, locale))
}

/// "Default commission rate": a setting by its group and name; `group.name` when it has no
/// words (a setting the platform added later).
pub fn setting(group: &str, name: &str, locale: Locale) -> String {
    lookup(locale, &format!("setting_name.{group}.{name}"), &[])
        .unwrap_or_else(|| format!("{group}.{name}"))
}

/// "Balance per currency": a check of `ledger verify` by its code.
pub fn check(code: &str, locale: Locale) -> String {
    lookup(locale, &format!("ledger_view.check_{code}"), &[])
        .unwrap_or_else(|| code.replace('_', " "))
}

/// "collection for project #99", "release for escrow #3, version 2, developer's part": the
/// idempotency key (or batch) of a ledger transfer in words. A key of a form this does not
/// know is shown as it is.
pub fn ledger_key(key: &str, locale: Locale) -> String {
    let mut segments = key.split(':');
    let kind = segments.next().unwrap_or_default();
    let Some(_) = lookup(locale, &format!("ledger_key.{kind}"), &[("what", "")]) else {
        return key.to_owned();
    };
    let mut what = Vec::new();
    for segment in segments {
        match segment_words(kind, segment, locale) {
            Some(Some(words)) => what.push(words),
            Some(None) => {}
            None => return key.to_owned(),
        }
    }
    let what = what.join(", ");
    tr(locale, &format!("ledger_key.{kind}"), &[("what", &what)])
}

/// One segment of a key in words: `Some(None)` when the kind already says it (`paid`), `None`
/// when the segment is of no known form.
fn segment_words(kind: &str, segment: &str, locale: Locale) -> Option<Option<String>> {
    let split = segment
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(segment.len());
    let (tag, digits) = segment.split_at(split);
    let n = (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits);
    let word = |key: &str, n: &str| lookup(locale, &format!("ledger_key.part.{key}"), &[("n", n)]);
    let said = match (tag, n) {
        ("paid", None) => return Some(None),
        ("p", Some(n)) => word("project", n),
        ("e", Some(n)) => word("escrow", n),
        ("t", Some(n)) if kind.starts_with("payout") => word("payout", n),
        ("t", Some(n)) => word("payment", n),
        ("x", Some(n)) => word("transfer", n),
        ("w", Some(n)) => word("reward", n),
        ("c", Some(n)) if kind == "payout" => word("clawback", n),
        ("v", Some(n)) => word("version", n),
        ("ext", Some(n)) => word("contributor", n),
        ("developer" | "platform" | "client", None) => word(tag, ""),
        ("", Some(n)) => match kind {
            "commission" => word("commission", n),
            "ext_commission" | "contributor_payout" => word("ext_commission", n),
            "referral_reward" => word("referral", n),
            _ => word("number", n),
        },
        _ => None,
    };
    said.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_keys_read_as_words() {
        let en = |k: &str| ledger_key(k, Locale::En);
        assert_eq!(en("collection:p99"), "collection for project #99");
        assert_eq!(
            en("release:e3:v2:developer"),
            "release from escrow #3, version 2, developer's part"
        );
        assert_eq!(en("commission:10:paid"), "payment of commission #10");
        assert_eq!(en("ext_commission:9:paid"), "payment of contribution X-9");
        assert_eq!(en("payout:t101:p41"), "payout #101, project #41");
        assert_eq!(
            en("payout_return:t5:x693"),
            "return of payout #5, transfer #693"
        );
        assert_eq!(en("payout:t7:w3"), "payout #7, reward #3");
        assert_eq!(en("payout:t7:c3"), "payout #7, clawback of reward #3");
        assert_eq!(en("clawback:w3"), "referral reward clawed back, reward #3");
        assert_eq!(en("PO-wave-20261206-090000"), "PO-wave-20261206-090000");
        assert_eq!(en("collection:weird"), "collection:weird");
        let fr = ledger_key("collection:p99", Locale::Fr);
        assert_eq!(fr, "encaissement, projet n°99");
        assert!(!ledger_key("hold:e5:t12", Locale::Fr).contains(':'));
    }

    #[test]
    fn codes_read_as_words_in_both_languages() {
        assert_eq!(provider("mtn_momo", Locale::En), "MTN MoMo");
        assert_eq!(provider("orange_money", Locale::Fr), "Orange Money");
        assert_eq!(provider("moov_money", Locale::En), "Moov Money");
        assert_eq!(provider("acme_pay", Locale::En), "acme_pay");
        assert_eq!(
            movement("psp_clearing", "client_funds", Locale::En),
            "Provider clearing → Client funds"
        );
        assert_eq!(
            setting("commission", "default_rate_bps", Locale::En),
            "Default commission rate"
        );
        assert_eq!(setting("future", "thing", Locale::Fr), "future.thing");
        assert_eq!(
            check("balance_per_currency", Locale::Fr),
            "Équilibre par devise"
        );
        for code in crate::office::escrow::CHECKS
            .iter()
            .chain(crate::office::ledger_checks::CHECKS.iter())
            .chain(crate::office::referral_checks::CHECKS.iter())
        {
            for l in [Locale::En, Locale::Fr] {
                assert!(!check(code, l).contains('_'), "{code} has no words");
            }
        }
    }
}
