//! Pure domain layer: money, state machines, permissions, SLA clocks and text
//! hygiene. No IO here, so every rule can be tested in isolation and reused by
//! the store, the services and the TUI alike.

// Declared first: `macro_rules!` are textually scoped, the modules below use them.
#[macro_use]
mod macros;

pub mod access;
pub mod api_token;
pub mod commission;
pub mod error;
pub mod escrow;
pub mod ledger_keys;
pub mod locale;
pub mod media;
pub mod money;
pub mod permission;
pub mod referral;
pub mod sanitize;
pub mod sla;
pub mod ssh_key;
pub mod statement;
pub mod status;
pub mod text;
pub mod webhook;

#[cfg(test)]
mod proptests;

pub use access::{RoleRule, ThrottlePolicy, UseCase};
pub use error::DomainError;
pub use locale::Locale;
pub use money::{
    Currency, ExtBasis, Money, Split, commission_amount, format_money, format_rate, parse_amount,
    parse_display_amount, split,
};
pub use permission::{Permission, Role};
pub use sanitize::{sanitize, sanitize_line, spreadsheet_safe};
pub use sla::{SlaClock, SlaState, SlaTargets, default_targets};
pub use status::{
    ArticleStatus, Availability, CommissionStatus, EscrowStatus, PayoutMethod, ProfileType,
    ProjectStatus, TicketCategory, TicketPriority, TicketStatus,
};
pub use text::{display_width, mask_account, require_text, slugify, sort_key, truncate_to_width};
