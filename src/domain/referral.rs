//! Referral rewards, as rules with no storage: what a referrer earns when the platform's
//! commission on a referred party's project is paid, when that reward may be approved, what
//! happens to it when the money behind it goes back, and the signals that make a referral
//! suspect. Amounts are minor units of the commission's currency; rates are basis points of the
//! platform's commission (never of the project's value).

use chrono::{DateTime, Duration, Months, Utc};

use super::error::DomainError;

/// How a code rewards: a rate of the platform's commission, capped per reward and over all the
/// rewards of one referral (caps in the commission's currency; None: no cap).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RewardRule {
    pub rate_bps: i64,
    pub cap_per_reward: Option<i64>,
    pub cap_per_referral: Option<i64>,
}

/// The reward for one paid platform commission of `commission` minor units, when the same
/// referral already earned `earned_before` (its rewards not cancelled): rate × commission
/// rounded down (the platform never pays a fraction it did not earn), then the per-reward cap,
/// then what the per-referral cap leaves. Never negative, never above the commission.
pub fn reward_amount(
    commission: i64,
    rule: &RewardRule,
    earned_before: i64,
) -> Result<i64, DomainError> {
    if commission < 0 {
        return Err(DomainError::NegativeAmount {
            input: commission.to_string(),
        });
    }
    if !(0..=10_000).contains(&rule.rate_bps) {
        return Err(DomainError::InvalidRate { bps: rule.rate_bps });
    }
    // ≤ commission, so it fits in i64.
    let share = (i128::from(commission) * i128::from(rule.rate_bps) / 10_000) as i64;
    let mut amount = share;
    if let Some(cap) = rule.cap_per_reward {
        amount = amount.min(cap.max(0));
    }
    if let Some(cap) = rule.cap_per_referral {
        amount = amount.min(cap.saturating_sub(earned_before.max(0)).max(0));
    }
    Ok(amount)
}

/// Whether a commission paid at `paid_at` counts for a referral made at `referred_at`: paid
/// within `months` calendar months of the sign-up (and not before it).
pub fn within_window(referred_at: DateTime<Utc>, paid_at: DateTime<Utc>, months: u32) -> bool {
    match referred_at.checked_add_months(Months::new(months)) {
        Some(end) => paid_at >= referred_at && paid_at < end,
        None => paid_at >= referred_at,
    }
}

/// Why a paid commission earns no reward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoReward {
    /// The referrer is the party the commission was paid by or for.
    SelfReferral,
    /// Paid after the attribution window closed.
    OutsideWindow,
    /// The rate or the caps leave nothing.
    Nothing,
}

impl NoReward {
    pub fn code(self) -> &'static str {
        match self {
            NoReward::SelfReferral => "self_referral",
            NoReward::OutsideWindow => "outside_window",
            NoReward::Nothing => "nothing",
        }
    }
}

/// One referral's side of a paid commission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribution {
    pub referrer_id: i64,
    pub referred_id: i64,
    pub referred_at: DateTime<Utc>,
    /// The project's client and developer: the referred party is one of them.
    pub client_id: i64,
    pub developer_id: Option<i64>,
}

/// The reward a referral earns from a commission paid at `paid_at`, or why none.
pub fn reward_for(
    a: &Attribution,
    commission: i64,
    paid_at: DateTime<Utc>,
    window_months: u32,
    rule: &RewardRule,
    earned_before: i64,
) -> Result<Result<i64, NoReward>, DomainError> {
    // The referrer earns nothing on money they are a party to: the referred client hiring the
    // referrer, or the referrer's own project.
    if a.referrer_id == a.referred_id
        || a.referrer_id == a.client_id
        || a.developer_id == Some(a.referrer_id)
    {
        return Ok(Err(NoReward::SelfReferral));
    }
    if !within_window(a.referred_at, paid_at, window_months) {
        return Ok(Err(NoReward::OutsideWindow));
    }
    let amount = reward_amount(commission, rule, earned_before)?;
    Ok(if amount > 0 {
        Ok(amount)
    } else {
        Err(NoReward::Nothing)
    })
}

/// When a reward created at `created_at` leaves its hold: refunds and disputes come first.
pub fn due_at(created_at: DateTime<Utc>, hold_days: i64) -> DateTime<Utc> {
    created_at + Duration::days(hold_days.max(0))
}

/// Where a reward stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RewardState {
    /// Created with the payment; waits out the hold.
    Held,
    /// Past the hold: waits for approval.
    Pending,
    Approved,
    Rejected,
    /// Left in a payout batch.
    Paid,
    /// The money behind it went back before it was paid.
    Cancelled,
    /// The money behind it went back after it was paid: owed back by the referrer.
    ClawedBack,
}

/// What becomes of a reward when the commission behind it is refunded, lost in a dispute or
/// cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reversal {
    /// Not paid yet: it is cancelled and nothing is owed.
    Cancel,
    /// Paid: the referrer owes it back (a negative line netted from their next payout).
    Clawback,
    /// Already ended (rejected, cancelled, clawed back): nothing changes.
    Unchanged,
}

impl RewardState {
    pub fn on_reversal(self) -> Reversal {
        match self {
            RewardState::Held | RewardState::Pending | RewardState::Approved => Reversal::Cancel,
            RewardState::Paid => Reversal::Clawback,
            RewardState::Rejected | RewardState::Cancelled | RewardState::ClawedBack => {
                Reversal::Unchanged
            }
        }
    }

    /// A held reward is pending once its hold has passed.
    pub fn at(self, due: DateTime<Utc>, now: DateTime<Utc>) -> RewardState {
        match self {
            RewardState::Held if now >= due => RewardState::Pending,
            other => other,
        }
    }
}

/// Mail providers anyone can sign up with: sharing one says nothing.
pub const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.fr",
    "hotmail.com",
    "hotmail.fr",
    "outlook.com",
    "outlook.fr",
    "live.com",
    "live.fr",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.fr",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "yandex.com",
    "mail.com",
    // Reserved for examples (RFC 2606): what test and demo accounts use.
    "example.com",
    "example.net",
    "example.org",
    "example.test",
];

/// What is known of one party when a referral is recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Party {
    pub user_id: i64,
    pub email: String,
    pub phone: Option<String>,
    /// The payout account (a mobile-money number or an IBAN), as the profile keeps it.
    pub payout_account: Option<String>,
    pub signed_up_at: Option<DateTime<Utc>>,
    /// The address the platform saw at sign-up, when it recorded one.
    pub signup_address: Option<String>,
}

/// Why a referral is suspect, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    SharedPhone(String),
    SharedPayoutAccount(String),
    /// A private email domain both use.
    SharedEmailDomain(String),
    /// Signed up within minutes of each other from one address.
    SameAddress {
        address: String,
        minutes: i64,
    },
    /// The referred party hired the referrer, or the reverse (a project id).
    HiredEachOther(i64),
    /// The code was used this many times that day.
    CodeBurst {
        uses: i64,
    },
}

impl Signal {
    pub fn code(&self) -> &'static str {
        match self {
            Signal::SharedPhone(_) => "shared_phone",
            Signal::SharedPayoutAccount(_) => "shared_payout_account",
            Signal::SharedEmailDomain(_) => "shared_email_domain",
            Signal::SameAddress { .. } => "same_address",
            Signal::HiredEachOther(_) => "hired_each_other",
            Signal::CodeBurst { .. } => "code_burst",
        }
    }
}

/// What makes the signals: how close two sign-ups from one address must be, and how many uses
/// of a code in a day are too many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FraudRules {
    pub same_address_minutes: i64,
    pub burst_per_day: i64,
}

/// The signals a referral raises: shared phone, payout account or private email domain,
/// sign-ups close together from one address, a project between the two (`projects_between`),
/// and a code used more than the day's limit (`uses_that_day`, this one included).
pub fn signals(
    referrer: &Party,
    referred: &Party,
    projects_between: &[i64],
    uses_that_day: i64,
    rules: &FraudRules,
) -> Vec<Signal> {
    let mut out = Vec::new();
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => {
            let (a, b) = (normalise(a), normalise(b));
            (!a.is_empty() && a == b).then_some(a)
        }
        _ => None,
    };
    if let Some(phone) = same(&referrer.phone, &referred.phone) {
        out.push(Signal::SharedPhone(phone));
    }
    if let Some(account) = same(&referrer.payout_account, &referred.payout_account) {
        out.push(Signal::SharedPayoutAccount(account));
    }
    if let (Some(a), Some(b)) = (domain(&referrer.email), domain(&referred.email))
        && a == b
        && !PUBLIC_MAIL_DOMAINS.contains(&a.as_str())
    {
        out.push(Signal::SharedEmailDomain(a));
    }
    if let (Some(address), Some(t1), Some(t2)) = (
        same(&referrer.signup_address, &referred.signup_address),
        referrer.signed_up_at,
        referred.signed_up_at,
    ) {
        let minutes = (t1 - t2).num_minutes().abs();
        if minutes <= rules.same_address_minutes {
            out.push(Signal::SameAddress { address, minutes });
        }
    }
    if let Some(project) = projects_between.iter().min() {
        out.push(Signal::HiredEachOther(*project));
    }
    if uses_that_day > rules.burst_per_day {
        out.push(Signal::CodeBurst {
            uses: uses_that_day,
        });
    }
    out
}

/// Spaces, dots and dashes out, lower case: "+221 77 100-21 84" and "+2217710021 84" match.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn domain(email: &str) -> Option<String> {
    let (_, d) = email.trim().rsplit_once('@')?;
    let d = d.to_lowercase();
    (!d.is_empty()).then_some(d)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
    }

    const RULE: RewardRule = RewardRule {
        rate_bps: 1_000,
        cap_per_reward: Some(20_000),
        cap_per_referral: Some(50_000),
    };

    #[test]
    fn rewards_are_a_rate_of_the_commission_rounded_down_and_capped() {
        // 10 % of a 67 505 XOF commission: 6 750 (not 6 751).
        assert_eq!(reward_amount(67_505, &RULE, 0), Ok(6_750));
        // The per-reward cap, then what the per-referral cap leaves.
        assert_eq!(reward_amount(1_000_000, &RULE, 0), Ok(20_000));
        assert_eq!(reward_amount(1_000_000, &RULE, 40_000), Ok(10_000));
        assert_eq!(reward_amount(1_000_000, &RULE, 50_000), Ok(0));
        assert!(reward_amount(-1, &RULE, 0).is_err());
        let bad = RewardRule {
            rate_bps: 10_001,
            ..RULE
        };
        assert!(reward_amount(100, &bad, 0).is_err());
    }

    #[test]
    fn the_window_counts_calendar_months_from_the_referral() {
        let referred = t(2026, 1, 31);
        assert!(within_window(referred, t(2026, 7, 30), 6));
        assert!(!within_window(referred, t(2026, 7, 31), 6));
        assert!(
            !within_window(referred, t(2026, 1, 30), 6),
            "not before the referral"
        );
    }

    #[test]
    fn no_reward_for_the_referrers_own_money_or_outside_the_window() {
        let a = Attribution {
            referrer_id: 1,
            referred_id: 2,
            referred_at: t(2026, 1, 1),
            client_id: 2,
            developer_id: Some(3),
        };
        let paid = t(2026, 2, 1);
        assert_eq!(reward_for(&a, 100_000, paid, 6, &RULE, 0), Ok(Ok(10_000)));
        let hired = Attribution {
            developer_id: Some(1),
            ..a
        };
        assert_eq!(
            reward_for(&hired, 100_000, paid, 6, &RULE, 0),
            Ok(Err(NoReward::SelfReferral))
        );
        assert_eq!(
            reward_for(&a, 100_000, t(2026, 8, 1), 6, &RULE, 0),
            Ok(Err(NoReward::OutsideWindow))
        );
        assert_eq!(
            reward_for(&a, 5, paid, 6, &RULE, 0),
            Ok(Err(NoReward::Nothing))
        );
    }

    #[test]
    fn held_then_due_and_what_a_reversal_does() {
        let due = due_at(t(2026, 1, 1), 14);
        assert_eq!(RewardState::Held.at(due, t(2026, 1, 14)), RewardState::Held);
        assert_eq!(
            RewardState::Held.at(due, t(2026, 1, 15)),
            RewardState::Pending
        );
        assert_eq!(RewardState::Approved.on_reversal(), Reversal::Cancel);
        assert_eq!(RewardState::Paid.on_reversal(), Reversal::Clawback);
        assert_eq!(RewardState::Cancelled.on_reversal(), Reversal::Unchanged);
    }

    #[test]
    fn signals_name_their_evidence() {
        let referrer = Party {
            user_id: 1,
            email: "awa@cabinet-diop.sn".into(),
            phone: Some("+221 77 100 21 84".into()),
            payout_account: Some("SN08 SN01 0015 2000 0253 0000".into()),
            signed_up_at: Some(t(2026, 3, 1)),
            signup_address: Some("196.207.1.9".into()),
        };
        let referred = Party {
            user_id: 2,
            email: "moussa@Cabinet-Diop.sn".into(),
            phone: Some("+22177100-2184".into()),
            payout_account: Some("sn08sn0100152000025300 00".into()),
            signed_up_at: Some(t(2026, 3, 1) + Duration::minutes(4)),
            signup_address: Some("196.207.1.9".into()),
        };
        let rules = FraudRules {
            same_address_minutes: 10,
            burst_per_day: 5,
        };
        let codes: Vec<&str> = signals(&referrer, &referred, &[42], 6, &rules)
            .iter()
            .map(Signal::code)
            .collect();
        assert_eq!(
            codes,
            [
                "shared_phone",
                "shared_payout_account",
                "shared_email_domain",
                "same_address",
                "hired_each_other",
                "code_burst"
            ]
        );
        // A public mail provider, another address, nothing shared: no signal.
        let stranger = Party {
            user_id: 3,
            email: "fatou@gmail.com".into(),
            ..Party::default()
        };
        let gmail = Party {
            email: "awa@gmail.com".into(),
            ..referrer.clone()
        };
        assert!(signals(&gmail, &stranger, &[], 1, &rules).is_empty());
    }
}
