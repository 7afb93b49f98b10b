//! What approving referral rewards says, in the staff member's language, for the `:rewards`
//! view and `obryl referral reward approve`: why a second approver is needed, each reward's
//! outcome, and one summary of a bulk approval (approved N, waiting for a second approver M
//! and why, refused K with the first reasons).

use std::collections::BTreeSet;

use crate::domain::{Locale, sanitize_line};
use crate::service::referral_bulk::{BulkReport, Outcome};
use crate::service::referral_decisions::Second;
use crate::tr;

use super::messages::{error_text, plural};

/// Reasons a summary names before it says "…".
const REASONS_SHOWN: usize = 2;

/// Why a second, different approver is needed: above the threshold, or the referral's signals.
pub fn second_text(why: &Second, locale: Locale) -> String {
    match why {
        Second::AboveThreshold => tr(locale, "cli_referral.second_above_threshold", &[]),
        Second::Flagged(signals) => {
            let said: Vec<String> = signals
                .iter()
                .map(|f| super::referral_flags::line(f, locale))
                .collect();
            tr(
                locale,
                "cli_referral.second_flagged",
                &[("signals", &sanitize_line(&said.join(", ")))],
            )
        }
    }
}

/// The reason's code, for scripts.
pub fn second_code(why: &Second) -> &'static str {
    match why {
        Second::AboveThreshold => "above_threshold",
        Second::Flagged(_) => "flagged",
    }
}

/// One reward's outcome as a sentence: approved, first of two (and why), or refused (and why).
pub fn outcome_text(id: i64, outcome: &Outcome, locale: Locale) -> String {
    let id = id.to_string();
    match outcome {
        Outcome::Approved => tr(locale, "cli_referral.reward_approved", &[("id", &id)]),
        Outcome::FirstOfTwo(why) => tr(
            locale,
            "cli_referral.reward_first_of_two",
            &[("id", &id), ("why", &second_text(why, locale))],
        ),
        Outcome::Refused(e) => tr(
            locale,
            "rewards_bulk.refused_line",
            &[("id", &id), ("why", &error_text(e, locale))],
        ),
    }
}

/// "a; b; …": the first `REASONS_SHOWN` distinct reasons, in order, each without its final
/// full stop, then an ellipsis when there are more.
fn first_reasons(reasons: impl Iterator<Item = String>) -> String {
    let mut seen = BTreeSet::new();
    let distinct: Vec<String> = reasons
        .map(|r| r.trim_end_matches('.').to_owned())
        .filter(|r| seen.insert(r.clone()))
        .collect();
    let mut shown: Vec<&str> = distinct
        .iter()
        .take(REASONS_SHOWN)
        .map(String::as_str)
        .collect();
    if distinct.len() > REASONS_SHOWN {
        shown.push("…");
    }
    shown.join("; ")
}

/// "3 rewards approved. 1 waits for a second approver (its referral is flagged: …). 2
/// refused: #12: Already approved by Awa Diop at 10:42; #14: …"
pub fn summary(report: &BulkReport, locale: Locale) -> String {
    let approved = report.approved();
    let n = approved.to_string();
    let mut text = plural(locale, "rewards_bulk.approved", approved, &[("n", &n)]);
    let first: Vec<_> = report.first_of_two().collect();
    if !first.is_empty() {
        let why = first_reasons(first.iter().map(|(_, why)| second_text(why, locale)));
        let m = first.len().to_string();
        let args = [("n", m.as_str()), ("why", why.as_str())];
        text.push_str(&plural(locale, "rewards_bulk.first", first.len(), &args));
    }
    let refused: Vec<_> = report.refused().collect();
    if !refused.is_empty() {
        let mut why = first_reasons(refused.iter().map(|(id, e)| {
            let (id, why) = (id.to_string(), error_text(e, locale));
            tr(locale, "rewards_bulk.reason", &[("id", &id), ("why", &why)])
        }));
        if !why.ends_with('…') {
            why.push('.');
        }
        let k = refused.len().to_string();
        let args = [("n", k.as_str()), ("why", why.as_str())];
        text.push_str(&plural(
            locale,
            "rewards_bulk.refused",
            refused.len(),
            &args,
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::ServiceError;

    fn report() -> BulkReport {
        let gone = |id: i64| ServiceError::NotFound {
            what: "referral_reward",
            key: id.to_string(),
        };
        BulkReport {
            results: vec![
                (1, Outcome::Approved),
                (2, Outcome::FirstOfTwo(Second::AboveThreshold)),
                (3, Outcome::FirstOfTwo(Second::AboveThreshold)),
                (4, Outcome::Refused(gone(4))),
                (5, Outcome::Refused(gone(5))),
                (6, Outcome::Refused(gone(6))),
                (7, Outcome::Approved),
            ],
        }
    }

    #[test]
    fn the_summary_counts_each_outcome_and_names_the_first_reasons() {
        let text = summary(&report(), Locale::En);
        assert!(text.starts_with("2 rewards approved."), "{text}");
        assert!(
            text.contains("2 wait for a second approver (above the dual-approval threshold)"),
            "{text}"
        );
        assert!(text.contains("3 refused: #4: "), "{text}");
        assert!(text.contains("#5: "), "{text}");
        assert!(!text.contains("#6: "), "only the first reasons: {text}");
        assert!(text.ends_with("; …"), "{text}");
        assert!(!text.contains(".;"), "{text}");
        let fr = summary(&report(), Locale::Fr);
        assert!(fr.starts_with("2 récompenses approuvées."), "{fr}");
    }

    #[test]
    fn nothing_refused_says_nothing_of_refusals() {
        let report = BulkReport {
            results: vec![(1, Outcome::Approved)],
        };
        assert_eq!(summary(&report, Locale::En), "1 reward approved.");
    }
}
