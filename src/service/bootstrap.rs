//! Reference data every database needs before anyone can log in: currencies, the spatie roles
//! and permissions, and default settings. Idempotent: run after every `migrate`.

use serde_json::json;

use crate::domain::{Currency, Permission, Role};
use crate::store::{self, Db, reference};

use super::{ServiceError, now};

/// Setting keys (group, name) the back-office reads.
pub mod keys {
    pub const COMMISSION: &str = "commission";
    pub const DEFAULT_RATE_BPS: &str = "default_rate_bps";
    /// Per currency: amounts (minor units) strictly above need two distinct approvers.
    pub const DUAL_APPROVAL_THRESHOLD: &str = "dual_approval_threshold";
    pub const ESCROW: &str = "escrow";
    pub const AUTO_RELEASE_DAYS: &str = "auto_release_days";
    pub const ESCROW_REQUIRED: &str = "required_to_start";
    pub const SUPPORT: &str = "support";
    /// Per priority: {"first_response_minutes": .., "resolution_minutes": ..}.
    pub const SLA_TARGETS: &str = "sla_targets";
    pub const REPLY_MAX_BYTES: &str = "reply_max_bytes";
    pub const REFERRALS: &str = "referrals";
    /// Basis points of the platform's commission a new code rewards unless told otherwise.
    pub const REFERRAL_RATE_BPS: &str = "default_rate_bps";
    /// Days a reward is held before it may be approved (refunds and disputes come first).
    pub const REFERRAL_HOLD_DAYS: &str = "hold_days";
    /// Months after sign-up during which a referred party's paid commissions count.
    pub const REFERRAL_WINDOW_MONTHS: &str = "window_months";
    /// Per currency: the least a referrer is paid out (minor units).
    pub const REFERRAL_MIN_PAYOUT: &str = "min_payout";
    /// Fraud rule: two sign-ups from one address within this many minutes are suspect.
    pub const REFERRAL_SAME_ADDRESS_MINUTES: &str = "same_address_minutes";
    /// Fraud rule: more uses of one code in a day than this are a burst.
    pub const REFERRAL_BURST_PER_DAY: &str = "burst_per_day";
}

pub fn default_settings() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    use keys::*;
    vec![
        (COMMISSION, DEFAULT_RATE_BPS, json!(1500)),
        (
            COMMISSION,
            DUAL_APPROVAL_THRESHOLD,
            json!({"XOF": 2_000_000, "XAF": 2_000_000, "EUR": 300_000, "USD": 300_000, "GHS": 4_000_000, "NGN": 500_000_000}),
        ),
        (ESCROW, AUTO_RELEASE_DAYS, json!(14)),
        (ESCROW, ESCROW_REQUIRED, json!(false)),
        (
            SUPPORT,
            SLA_TARGETS,
            json!({
                "urgent": {"first_response_minutes": 60, "resolution_minutes": 480},
                "high": {"first_response_minutes": 240, "resolution_minutes": 1440},
                "normal": {"first_response_minutes": 480, "resolution_minutes": 4320},
                "low": {"first_response_minutes": 1440, "resolution_minutes": 7200},
            }),
        ),
        (SUPPORT, REPLY_MAX_BYTES, json!(65_536)),
        (REFERRALS, REFERRAL_RATE_BPS, json!(1000)),
        (REFERRALS, REFERRAL_HOLD_DAYS, json!(30)),
        (REFERRALS, REFERRAL_WINDOW_MONTHS, json!(12)),
        (
            REFERRALS,
            REFERRAL_MIN_PAYOUT,
            json!({"XOF": 5_000, "XAF": 5_000, "EUR": 1_000, "USD": 1_000, "GHS": 10_000, "NGN": 500_000}),
        ),
        (REFERRALS, REFERRAL_SAME_ADDRESS_MINUTES, json!(30)),
        (REFERRALS, REFERRAL_BURST_PER_DAY, json!(10)),
    ]
}

fn currency_name(c: Currency) -> (&'static str, &'static str) {
    match c {
        Currency::XOF => ("Franc CFA (BCEAO)", "FCFA"),
        Currency::XAF => ("Franc CFA (BEAC)", "FCFA"),
        Currency::EUR => ("Euro", "€"),
        Currency::USD => ("US Dollar", "$"),
        Currency::GHS => ("Ghana Cedi", "GH₵"),
        Currency::NGN => ("Naira", "₦"),
    }
}

pub async fn ensure_reference_data(db: &Db) -> Result<(), ServiceError> {
    let now = now();
    let mut tx = db.begin().await?;
    for c in Currency::ALL {
        let (name, symbol) = currency_name(*c);
        reference::ensure_currency(&mut tx, c.code(), name, i64::from(c.exponent()), symbol)
            .await?;
    }
    for p in Permission::ALL {
        reference::ensure_named(&mut tx, "permissions", p.as_str(), now).await?;
    }
    for r in Role::ALL {
        reference::ensure_named(&mut tx, "roles", r.as_str(), now).await?;
    }
    for role in Role::ALL {
        let role_id = store::users::role_id(&mut tx, role.as_str())
            .await?
            .ok_or_else(|| {
                ServiceError::Internal(format!("role {} missing after insert", role.as_str()))
            })?;
        for perm in role.default_permissions() {
            reference::ensure_role_permission(&mut tx, role_id, perm.as_str()).await?;
        }
    }
    for (group, name, payload) in default_settings() {
        reference::ensure_setting(&mut tx, group, name, payload, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
