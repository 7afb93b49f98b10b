//! Reading and changing settings (commission rate, dual-approval threshold, SLA targets).

use serde_json::Value as JsonValue;

use crate::domain::sla::{SlaTargets, default_targets};
use crate::domain::{Currency, TicketPriority, UseCase};
use crate::store::{self, Conn, Db};

use super::access;
use super::bootstrap::keys;
use super::record::{Change, Diff, record_and_commit};
use super::{Actor, Origin, Result, ServiceError};

/// The commission rate in force, in basis points.
pub async fn default_rate_bps(c: &mut impl Conn) -> Result<i64> {
    let row = store::settings::get(c, keys::COMMISSION, keys::DEFAULT_RATE_BPS).await?;
    row.and_then(|r| r.payload.as_i64()).ok_or_else(|| {
        ServiceError::Internal("setting commission.default_rate_bps is missing".into())
    })
}

/// Amounts strictly above this (minor units of `currency`) need two distinct approvers.
pub async fn dual_approval_threshold(c: &mut impl Conn, currency: &str) -> Result<Option<i64>> {
    let row = store::settings::get(c, keys::COMMISSION, keys::DUAL_APPROVAL_THRESHOLD).await?;
    Ok(row.and_then(|r| r.payload.get(currency).and_then(JsonValue::as_i64)))
}

/// Every currency's dual-approval threshold (for markers in lists).
pub async fn dual_approval_thresholds(
    c: &mut impl Conn,
) -> Result<std::collections::BTreeMap<String, i64>> {
    per_currency(c, keys::COMMISSION, keys::DUAL_APPROVAL_THRESHOLD).await
}

/// A setting that gives an amount per currency, as a map (currencies without one are absent).
async fn per_currency(
    c: &mut impl Conn,
    group: &str,
    name: &str,
) -> Result<std::collections::BTreeMap<String, i64>> {
    let row = store::settings::get(c, group, name).await?;
    Ok(row
        .and_then(|r| r.payload.as_object().cloned())
        .map(|m| {
            m.into_iter()
                .filter_map(|(k, v)| v.as_i64().map(|v| (k, v)))
                .collect()
        })
        .unwrap_or_default())
}

/// Per currency: the least a referrer's rewards are paid out alone (minor units).
pub async fn referral_min_payout(
    c: &mut impl Conn,
) -> Result<std::collections::BTreeMap<String, i64>> {
    per_currency(c, keys::REFERRALS, keys::REFERRAL_MIN_PAYOUT).await
}

/// Days a client has to answer a delivery before the escrow releases by itself.
pub async fn auto_release_days(c: &mut impl Conn) -> Result<i64> {
    let row = store::settings::get(c, keys::ESCROW, keys::AUTO_RELEASE_DAYS).await?;
    Ok(row.and_then(|r| r.payload.as_i64()).unwrap_or(14).max(1))
}

/// The longest reply or note accepted, in bytes.
pub async fn reply_max_bytes(c: &mut impl Conn) -> Result<usize> {
    let row = store::settings::get(c, keys::SUPPORT, keys::REPLY_MAX_BYTES).await?;
    Ok(row
        .and_then(|r| r.payload.as_u64())
        .map(|n| n as usize)
        .unwrap_or(65_536))
}

pub async fn sla_targets(c: &mut impl Conn, priority: TicketPriority) -> Result<SlaTargets> {
    let row = store::settings::get(c, keys::SUPPORT, keys::SLA_TARGETS).await?;
    let target = row.and_then(|r| {
        let p = r.payload.get(priority.as_str())?.clone();
        Some(SlaTargets {
            first_response_minutes: p.get("first_response_minutes")?.as_i64()?,
            resolution_minutes: p.get("resolution_minutes")?.as_i64()?,
        })
    });
    Ok(target.unwrap_or_else(|| default_targets(priority)))
}

/// Validates a new payload for a known setting.
fn validate(group: &str, name: &str, payload: &JsonValue) -> Result<()> {
    let invalid = |key: &'static str| ServiceError::Invalid {
        field: "setting",
        message: crate::service::Said::new(key),
    };
    match (group, name) {
        (keys::COMMISSION, keys::DEFAULT_RATE_BPS) | (keys::REFERRALS, keys::REFERRAL_RATE_BPS) => {
            match payload.as_i64() {
                Some(bps) if (0..=10_000).contains(&bps) => Ok(()),
                _ => Err(invalid("rate_bps")),
            }
        }
        (keys::COMMISSION, keys::DUAL_APPROVAL_THRESHOLD)
        | (keys::REFERRALS, keys::REFERRAL_MIN_PAYOUT) => {
            let Some(map) = payload.as_object() else {
                return Err(invalid("threshold_map"));
            };
            for (code, amount) in map {
                Currency::parse(code)?;
                if amount.as_i64().is_none_or(|a| a < 0) {
                    return Err(invalid("threshold_amount"));
                }
            }
            Ok(())
        }
        (keys::REFERRALS, keys::REFERRAL_HOLD_DAYS) => match payload.as_i64() {
            Some(days) if (0..=365).contains(&days) => Ok(()),
            _ => Err(invalid("referral_hold_days")),
        },
        (keys::REFERRALS, keys::REFERRAL_WINDOW_MONTHS) => match payload.as_i64() {
            Some(months) if (1..=120).contains(&months) => Ok(()),
            _ => Err(invalid("referral_window_months")),
        },
        (keys::REFERRALS, keys::REFERRAL_SAME_ADDRESS_MINUTES) => match payload.as_i64() {
            Some(minutes) if (0..=1_440).contains(&minutes) => Ok(()),
            _ => Err(invalid("referral_same_address_minutes")),
        },
        (keys::REFERRALS, keys::REFERRAL_BURST_PER_DAY) => match payload.as_i64() {
            Some(uses) if (1..=100_000).contains(&uses) => Ok(()),
            _ => Err(invalid("referral_burst_per_day")),
        },
        _ => Ok(()),
    }
}

/// Changes a setting (permission `settings.edit`), audited. Existing commissions keep the rate
/// they snapshotted; only new ones see the change.
pub async fn update(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    group: &str,
    name: &str,
    payload: JsonValue,
) -> Result<()> {
    validate(group, name, &payload)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::SettingsEdit).await?;
    let actor = &actor;
    if let Some(p) = crate::domain::permission::settings_group_permission(group) {
        actor.require(p)?;
    }
    let current = store::settings::get(&mut tx, group, name)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "setting",
            key: format!("{group}.{name}"),
        })?;
    if current.locked {
        return Err(ServiceError::SettingLocked {
            name: format!("{group}.{name}"),
        });
    }
    store::settings::put(&mut tx, group, name, payload.clone(), super::now()).await?;
    let key = format!("{group}.{name}");
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "updated",
            subject_type: "setting",
            subject_id: current.id,
            diff: Diff::new().field(&key, current.payload, payload),
            notices: Vec::new(),
            webhook: Some("setting.updated"),
        },
    )
    .await?;
    Ok(())
}
