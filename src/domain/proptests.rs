//! Property tests for the rules that must never break: money always adds up,
//! rounding is half-up, formatting round-trips, the state machines are exactly
//! DOMAIN.md's, and nothing dangerous reaches the terminal.

use proptest::prelude::*;

use super::locale::Locale;
use super::money::{Currency, ExtBasis, commission_amount, format_money, parse_amount, split};
use super::sanitize::{sanitize, sanitize_line};
use super::status::*;
use super::text::sort_key;

/// Failures are reported, not persisted: no regression files outside src/.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::ALL)
}

fn ext_basis() -> impl Strategy<Value = ExtBasis> {
    prop_oneof![
        (0i64..=1_000_000_000_000).prop_map(ExtBasis::Fixed),
        (0i64..=10_000).prop_map(ExtBasis::Percent),
    ]
}

/// Half-up written differently from the implementation: quotient, then bump
/// when the remainder is at least half the divisor.
fn reference_half_up(gross: i64, bps: i64) -> i64 {
    let product = i128::from(gross) * i128::from(bps);
    let (q, r) = (product / 10_000, product % 10_000);
    (q + i128::from(r * 2 >= 10_000)) as i64
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn split_parts_add_up(
        gross in prop_oneof![0i64..=10_000_000, 0i64..=i64::MAX],
        rate in 0i64..=10_000,
        externals in prop::collection::vec(ext_basis(), 0..5),
    ) {
        if let Ok(s) = split(gross, rate, &externals) {
            let total = i128::from(s.platform)
                + s.external.iter().map(|&x| i128::from(x)).sum::<i128>()
                + i128::from(s.developer_net);
            prop_assert_eq!(total, i128::from(gross));
            prop_assert!(s.platform >= 0 && s.developer_net >= 0);
            prop_assert!(s.external.iter().all(|&x| x >= 0));
            prop_assert_eq!(s.external.len(), externals.len());
            prop_assert_eq!(s.platform, commission_amount(gross, rate).unwrap());
        }
    }

    #[test]
    fn percent_only_splits_always_succeed(
        gross in 0i64..=i64::MAX,
        rate in 0i64..=10_000,
        shares in prop::collection::vec(0i64..=2_500, 0..4),
    ) {
        // At most 4 × 25 %: the half-up shares can never exceed the developer's share.
        let externals: Vec<_> = shares.into_iter().map(ExtBasis::Percent).collect();
        prop_assert!(split(gross, rate, &externals).is_ok());
    }

    #[test]
    fn commission_is_half_up(gross in prop_oneof![0i64..=100_000, 0i64..=i64::MAX], rate in 0i64..=10_000) {
        let got = commission_amount(gross, rate).unwrap();
        prop_assert_eq!(got, reference_half_up(gross, rate));
        prop_assert!(got <= gross);
    }

    #[test]
    fn commission_refuses_out_of_range(gross in i64::MIN..0, rate in 10_001i64..) {
        prop_assert!(commission_amount(gross, 100).is_err());
        prop_assert!(commission_amount(100, rate).is_err());
        prop_assert!(commission_amount(100, -rate).is_err());
    }

    #[test]
    fn french_format_round_trips(minor in prop_oneof![0i64..=10_000_000, 0i64..=i64::MAX], cur in currency()) {
        let text = format_money(minor, cur, Locale::Fr);
        prop_assert_eq!(parse_amount(&text, cur), Ok(minor), "{}", text);
    }

    #[test]
    fn format_never_panics(minor in any::<i64>(), cur in currency()) {
        for locale in [Locale::Fr, Locale::En] {
            let text = format_money(minor, cur, locale);
            prop_assert_eq!(text.starts_with('-'), minor < 0);
        }
    }

    #[test]
    fn parse_never_panics(input in "\\PC{0,30}", cur in currency()) {
        if let Ok(v) = parse_amount(&input, cur) {
            prop_assert!(v >= 0);
        }
    }
}

// --- state machines: checked against edge lists copied from DOMAIN.md ------

fn check_machine<T>(all: &[T], edges: &[(T, T)], can: fn(T, T) -> bool, go: fn(T, T) -> bool)
where
    T: Copy + PartialEq + std::fmt::Debug,
{
    for &from in all {
        for &to in all {
            let expected = edges.contains(&(from, to));
            assert_eq!(can(from, to), expected, "{from:?} -> {to:?}");
            assert_eq!(go(from, to), expected, "{from:?} -> {to:?}");
        }
    }
}

#[test]
fn project_machine_is_exact() {
    use ProjectStatus::*;
    let edges = [
        (Draft, Open),
        (Open, Assigned),
        (Assigned, InProgress),
        (InProgress, Delivered),
        (Delivered, Completed),
        (Delivered, RevisionRequested),
        (RevisionRequested, InProgress),
        (InProgress, Disputed),
        (Delivered, Disputed),
        (Disputed, Completed),
        (Disputed, Cancelled),
        (Draft, Cancelled),
        (Open, Cancelled),
        (Assigned, Cancelled),
    ];
    check_machine(
        ProjectStatus::ALL,
        &edges,
        ProjectStatus::can_transition_to,
        |a, b| a.transition(b).is_ok(),
    );
}

#[test]
fn commission_machine_is_exact() {
    use CommissionStatus::*;
    let edges = [
        (Pending, Approved),
        (Pending, Rejected),
        (Approved, Paid),
        (Pending, Cancelled),
        (Approved, Cancelled),
    ];
    check_machine(
        CommissionStatus::ALL,
        &edges,
        CommissionStatus::can_transition_to,
        |a, b| a.transition(b).is_ok(),
    );
}

#[test]
fn ticket_machine_is_exact() {
    use TicketStatus::*;
    let edges = [
        (New, Open),
        (New, Pending),
        (New, OnHold),
        (New, Solved),
        (Open, Pending),
        (Open, OnHold),
        (Open, Solved),
        (Pending, Open),
        (Pending, Solved),
        (OnHold, Open),
        (OnHold, Solved),
        (Solved, Open),
        (Solved, Closed),
    ];
    check_machine(
        TicketStatus::ALL,
        &edges,
        TicketStatus::can_transition_to,
        |a, b| a.transition(b).is_ok(),
    );
}

#[test]
fn escrow_machine_is_exact() {
    use EscrowStatus::*;
    let edges = [
        (AwaitingFunds, Held),
        (AwaitingFunds, Expired),
        (Held, PartiallyReleased),
        (PartiallyReleased, Released),
        (Held, Released),
        (Held, PartiallyRefunded),
        (PartiallyRefunded, Refunded),
        // Refunds and releases in any order: a release after a partial refund.
        (PartiallyRefunded, PartiallyReleased),
        (PartiallyRefunded, Released),
        (PartiallyRefunded, Disputed),
        (Held, Refunded),
        (Held, Disputed),
        (Disputed, Released),
        (Disputed, Refunded),
        // Not in DOMAIN.md's list: a dispute after a milestone was released.
        (PartiallyReleased, Disputed),
    ];
    check_machine(
        EscrowStatus::ALL,
        &edges,
        EscrowStatus::can_transition_to,
        |a, b| a.transition(b).is_ok(),
    );
}

#[test]
fn article_machine_is_exact() {
    use ArticleStatus::*;
    let edges = [
        (Draft, Review),
        (Review, Published),
        (Published, Archived),
        (Published, Draft),
        (Review, Draft),
        (Draft, Published),
        (Archived, Draft),
    ];
    check_machine(
        ArticleStatus::ALL,
        &edges,
        ArticleStatus::can_transition_to,
        |a, b| a.transition(b).is_ok(),
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn next_states_agree_with_transition(
        from in prop::sample::select(ProjectStatus::ALL),
        to in prop::sample::select(ProjectStatus::ALL),
    ) {
        prop_assert_eq!(from.next_states().contains(&to), from.transition(to).is_ok());
    }
}

// --- sanitize ----------------------------------------------------------------

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// Printable text a person may legitimately write: no controls, no bidi.
fn plain_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 .,;:!?'()éèêàçôûïœÉÈÀÇ€₵₦北京市朝阳区👍🏾👩‍💻❤️—«»-]{0,40}",
        prop::collection::vec(any::<char>(), 0..40).prop_map(|v| {
            v.into_iter()
                .map(|c| {
                    if c.is_control() || is_bidi(c) {
                        '·'
                    } else {
                        c
                    }
                })
                .collect()
        }),
    ]
}

/// Strings dense with escape-sequence fragments and controls.
fn hostile_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("\x1b".to_owned()),
        Just("\x1b[".to_owned()),
        Just("\x1b]".to_owned()),
        Just("\x1bP".to_owned()),
        Just("\x1b\\".to_owned()),
        Just("\x07".to_owned()),
        Just("\u{9b}".to_owned()),
        Just("\u{9c}".to_owned()),
        Just("\u{9d}".to_owned()),
        Just("\u{90}".to_owned()),
        Just("\x18".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("\u{2067}".to_owned()),
        "[0-9;?:]{0,4}",
        "[a-zA-Zé北👍 ]{0,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(fragment, 0..60).prop_map(|v| v.concat())
}

fn assert_clean(out: &str, newline_ok: bool) -> Result<(), TestCaseError> {
    for c in out.chars() {
        prop_assert!(c != '\x1b', "ESC in {:?}", out);
        prop_assert!(
            !(c.is_control() && !(newline_ok && c == '\n')),
            "control {:?} in {:?}",
            c,
            out
        );
        prop_assert!(!is_bidi(c), "bidi {:?} in {:?}", c, out);
    }
    Ok(())
}

/// A complete escape sequence, which must vanish without a trace.
fn escape_sequence() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[0-9;?]{0,8}", "[@-~]").prop_map(|(p, f)| format!("\x1b[{p}{f}")),
        "[a-z0-9;:/.]{0,20}".prop_map(|t| format!("\x1b]{t}\x07")),
        "[a-z0-9;:/.]{0,20}".prop_map(|t| format!("\x1b]8;;{t}\x1b\\")),
        "[a-zA-Z0-9+]{0,12}".prop_map(|t| format!("\x1bP{t}\x1b\\")),
        // ESC [ ] P X ^ _ would open a CSI or a control string instead.
        ("[ -/]{0,2}", "[0-OQ-WYZ`-~\\\\]").prop_map(|(i, f)| format!("\x1b{i}{f}")),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sanitize_output_is_clean(input in prop_oneof![hostile_text(), any::<String>()]) {
        assert_clean(&sanitize(&input), true)?;
        let line = sanitize_line(&input);
        assert_clean(&line, false)?;
        prop_assert!(!line.contains('\n'));
    }

    #[test]
    fn sanitize_keeps_plain_text(text in plain_text()) {
        prop_assert_eq!(sanitize(&text), text.clone());
        prop_assert_eq!(sanitize_line(&text), text);
    }

    #[test]
    fn sanitize_removes_whole_sequences(a in plain_text(), seq in escape_sequence(), b in plain_text()) {
        prop_assert_eq!(sanitize(&format!("{a}{seq}{b}")), format!("{a}{b}"));
    }

    #[test]
    fn sanitize_is_idempotent(input in hostile_text()) {
        let once = sanitize(&input);
        prop_assert_eq!(sanitize(&once), once.clone());
    }
}

/// Names as they are typed: French and West African letters in both cases, decomposed
/// accents, apostrophes, hyphens and spaces.
fn typed_name() -> impl Strategy<Value = String> {
    "[a-zA-ZàâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆɛɔŋƐƆŊ'’ \\-\u{301}\u{308}]{0,24}"
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sort_keys_are_plain_and_stable(name in typed_name()) {
        let key = sort_key(&name);
        prop_assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b == b' '), "{key:?}");
        prop_assert!(!key.starts_with(' ') && !key.ends_with(' ') && !key.contains("  "));
        prop_assert_eq!(sort_key(&key), key.clone());
        prop_assert_eq!(sort_key(&name.to_uppercase()), key.clone());
        prop_assert_eq!(sort_key(&name.to_lowercase()), key);
    }

    #[test]
    fn sort_key_never_panics(name in any::<String>()) {
        let key = sort_key(&name);
        prop_assert_eq!(sort_key(&key), key.clone());
        prop_assert!(key.len() <= name.len() * 3);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A referral's rewards, one paid commission after another: each is at most the
    /// commission it comes from and the per-reward cap, never negative, and all of them
    /// together never pass the per-referral cap.
    #[test]
    fn referral_rewards_never_pass_the_commission_or_the_caps(
        rate_bps in 0i64..=10_000,
        cap_per_reward in prop::option::of(0i64..=5_000_000),
        cap_per_referral in prop::option::of(0i64..=20_000_000),
        commissions in prop::collection::vec(0i64..=100_000_000, 0..12),
    ) {
        use super::referral::{RewardRule, reward_amount};
        let rule = RewardRule { rate_bps, cap_per_reward, cap_per_referral };
        let mut earned = 0i64;
        for commission in commissions {
            let amount = reward_amount(commission, &rule, earned).unwrap();
            prop_assert!(amount >= 0);
            prop_assert!(amount <= commission);
            prop_assert!(amount <= commission * rate_bps / 10_000);
            if let Some(cap) = cap_per_reward {
                prop_assert!(amount <= cap);
            }
            earned += amount;
            if let Some(cap) = cap_per_referral {
                prop_assert!(earned <= cap);
            }
        }
    }
}
