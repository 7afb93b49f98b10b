//! What every front end of the back-office shares, above `service` and `store`: the read models
//! both show (the commission queue with its dual-approval state, the workload grid), texts and
//! formatting in the staff member's language (errors by code, money, dates, statuses), and the
//! remembered login kept in the data directory. The TUI and the CLI both sit on it and never
//! import each other.

pub mod analytics;
pub mod analytics_report;
pub mod details;
pub mod escrow;
pub mod format;
pub mod history;
pub mod ledger_checks;
pub mod media_words;
pub mod messages;
pub mod payout_file;
pub mod queue;
pub mod reconcile;
pub mod referral_checks;
pub mod referral_codes;
pub mod referral_flags;
pub mod reward_approvals;
pub mod session;
pub mod settings_form;
pub mod words;
pub mod workload;
