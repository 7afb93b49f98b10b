//! The only write path. Every use case: permission check, domain validation, then ONE
//! transaction that writes the change, exactly one audit row, its notifications and its
//! webhook outbox event. The TUI and the CLI call these; neither writes SQL.

pub mod access;
mod actor;
pub mod analytics;
mod error;
mod record;
mod said;

pub mod auth;
pub mod bootstrap;
pub mod commissions;
pub mod content;
pub mod conversations;
pub mod escrow;
pub mod jobs;
pub mod media;
pub mod notifications;
pub mod payments;
pub mod payouts;
pub mod payouts_guard;
pub mod projects;
pub mod referral_bulk;
pub mod referral_decisions;
pub mod referral_flags;
pub mod referral_money;
pub mod referral_rewards;
pub mod referrals;
pub mod service_accounts;
pub mod settings;
pub mod ssh_keys;
pub mod ssh_login;
pub mod tickets;
pub mod tokens;
pub mod users;
pub mod webhooks;

pub use actor::{Actor, Origin, host_name};
pub use error::{FourEyes, ServiceError};
pub use said::{Arg, Said};

use chrono::{DateTime, SubsecRound, Utc};

/// The current instant at the precision every backend stores (microseconds).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// Refuses a decision taken on a version of the row the user no longer sees (`seen` is the
/// lock_version they looked at; None skips the check, as scripts do).
pub(crate) fn ensure_version(what: &'static str, current: i64, seen: Option<i64>) -> Result<()> {
    match seen {
        Some(v) if v != current => Err(ServiceError::Stale { what }),
        _ => Ok(()),
    }
}
