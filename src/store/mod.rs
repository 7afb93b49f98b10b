//! The only place that speaks SQL. Queries are written once with sea-query and rendered per
//! backend; each aggregate has its own module. Nothing here decides business rules.

mod db;
mod error;
mod exec;
pub mod migrations;
pub mod mysql;
mod schema_finance;
mod table;

pub mod access;
pub mod analytics;
pub mod audit;
pub mod bulk;
pub mod catalog;
pub mod commissions;
pub mod content;
pub mod deliveries;
pub mod delivery_watch;
pub mod escrows;
pub mod feed;
pub mod jobs;
pub mod leases;
pub mod ledger;
pub mod media;
pub mod messages;
pub mod money_checks;
pub mod notifications;
pub mod outbox;
pub mod page;
pub mod partner_reads;
pub mod payable;
pub mod payments;
pub mod payouts;
pub mod people;
pub mod projects;
pub mod reference;
pub mod referral_flags;
pub mod referral_money;
pub mod referral_rewards;
pub mod referrals;
pub mod reviews;
pub mod schema;
pub mod settings;
pub mod ssh_keys;
pub mod stats;
pub mod tickets;
pub mod tokens;
pub mod users;
pub mod webhooks;
pub mod workload;

pub use db::{Backend, Db, Tx, redact as db_redact};
pub use error::StoreError;
pub use exec::{Conn, FromAnyRow};
pub use page::{Anchor, Cursor, Page, SortDir, SortValue};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
