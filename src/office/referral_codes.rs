//! A referral code as both front ends say it: where it stands (disabled, expired, used up,
//! active) and its caps per currency in money of that currency.

use chrono::{DateTime, Utc};
use serde_json::Value as JsonValue;

use crate::domain::{Currency, Locale, format_money};
use crate::store::referrals::CodeRow;
use crate::tr;

/// Where a code stands, the first that holds: disabled, expired, used up, else active.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeState {
    Active,
    Disabled,
    Expired,
    UsedUp,
}

impl CodeState {
    pub fn of(row: &CodeRow, now: DateTime<Utc>) -> CodeState {
        if row.disabled_at.is_some() {
            CodeState::Disabled
        } else if row.expires_at.is_some_and(|at| at <= now) {
            CodeState::Expired
        } else if row.max_uses.is_some_and(|max| row.uses >= max) {
            CodeState::UsedUp
        } else {
            CodeState::Active
        }
    }

    /// Its name in JSON output.
    pub fn code(self) -> &'static str {
        match self {
            CodeState::Active => "active",
            CodeState::Disabled => "disabled",
            CodeState::Expired => "expired",
            CodeState::UsedUp => "used_up",
        }
    }

    pub fn words(self, locale: Locale) -> String {
        tr(locale, &format!("referrals_view.{}", self.code()), &[])
    }
}

/// "20 000 XOF / 50 000 XOF" (per reward / per referral) for each currency a code caps, "—"
/// without caps.
pub fn caps_text(caps: Option<&JsonValue>, locale: Locale) -> String {
    let Some(map) = caps.and_then(JsonValue::as_object) else {
        return "—".into();
    };
    let parts: Vec<String> = map
        .iter()
        .filter_map(|(code, caps)| {
            let currency = Currency::parse(code).ok()?;
            let money = |k: &str| {
                caps.get(k)
                    .and_then(JsonValue::as_i64)
                    .map(|a| format_money(a, currency, locale))
                    .unwrap_or_else(|| "—".into())
            };
            Some(format!(
                "{} / {}",
                money("per_reward"),
                money("per_referral")
            ))
        })
        .collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(" · ")
    }
}
