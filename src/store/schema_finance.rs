//! The money tables' columns (see `schema`, which re-exports them).

use super::table::Table;

/// The columns platform and external commissions share, from the rate on: the amount and its
/// four-eyes decision, in the generator's order, after the given columns.
macro_rules! decided {
    ($($column:literal),* $(,)?) => {
        &[
            $($column,)*
            "rate_bps", "amount", "currency", "requested_by", "status", "first_approved_by",
            "first_approved_at", "approved_by", "approved_at", "rejected_by", "rejected_at",
            "rejection_reason", "paid_by", "paid_at", "payment_reference", "cancelled_by",
            "cancelled_at", "ledger_transfer_id", "lock_version", "created_at", "updated_at"
        ]
    };
}

/// Platform commissions on delivered projects, with four-eyes approval.
pub const COMMISSIONS: Table = Table {
    name: "commissions",
    columns: decided!["id", "project_id", "gross_amount"],
    others: &[],
};

/// Shares of a project paid to external contributors, approved like commissions.
pub const EXT_COMMISSIONS: Table = Table {
    name: "ext_commissions",
    columns: decided![
        "id",
        "project_id",
        "contributor_user_id",
        "contributor_name",
        "contributor_email",
        "contributor_phone",
        "role",
        "basis"
    ],
    others: &[],
};

/// Double-entry ledger accounts with their cached totals.
pub const LEDGER_ACCOUNTS: Table = Table {
    name: "ledger_accounts",
    columns: &[
        "id",
        "code",
        "kind",
        "currency",
        "owner_type",
        "owner_id",
        "balance_rule",
        "debits_pending",
        "debits_posted",
        "credits_pending",
        "credits_posted",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Ledger transfers between two accounts.
pub const LEDGER_TRANSFERS: Table = Table {
    name: "ledger_transfers",
    columns: &[
        "id",
        "idempotency_key",
        "debit_account_id",
        "credit_account_id",
        "amount",
        "currency",
        "phase",
        "pending_id",
        "code",
        "project_id",
        "batch_id",
        "expires_at",
        "created_at",
    ],
    others: &[],
};

/// Client money held per project until release or refund.
pub const ESCROWS: Table = Table {
    name: "escrows",
    columns: &[
        "id",
        "project_id",
        "currency",
        "amount_held",
        "amount_released",
        "amount_refunded",
        "status",
        "provider",
        "hold_transfer_id",
        "lock_version",
        "created_at",
        "updated_at",
        "pending_decision",
        "pending_by",
        "pending_at",
    ],
    others: &[],
};

/// Payments in and out through the providers.
pub const PAYMENT_TRANSACTIONS: Table = Table {
    name: "payment_transactions",
    columns: &[
        "id",
        "project_id",
        "escrow_id",
        "provider",
        "provider_reference",
        "direction",
        "amount",
        "currency",
        "status",
        "failure_reason",
        "created_at",
        "updated_at",
        "batch_id",
    ],
    others: &[],
};

/// Referral codes users hand out.
pub const REFERRAL_CODES: Table = Table {
    name: "referral_codes",
    columns: &[
        "id",
        "user_id",
        "code",
        "reward_rate_bps",
        "max_uses",
        "uses",
        "expires_at",
        "created_at",
        "updated_at",
        "reward_caps",
        "created_by",
        "disabled_at",
        "disabled_by",
    ],
    others: &[],
};

/// Users who signed up with a referral code.
pub const REFERRALS: Table = Table {
    name: "referrals",
    columns: &[
        "id",
        "referral_code_id",
        "referrer_id",
        "referred_user_id",
        "created_at",
        "updated_at",
        "flags",
        "flags_checked_at",
    ],
    others: &[],
};

/// Rewards owed to referrers on their referrals' commissions.
pub const REFERRAL_REWARDS: Table = Table {
    name: "referral_rewards",
    columns: &[
        "id",
        "referral_id",
        "commission_id",
        "amount",
        "currency",
        "status",
        "ledger_transfer_id",
        "lock_version",
        "created_at",
        "updated_at",
        "due_at",
        "first_approved_by",
        "first_approved_at",
        "approved_by",
        "approved_at",
        "rejected_by",
        "rejected_at",
        "reason",
        "cancelled_at",
        "clawback_transfer_id",
        "payout_id",
        "recovered_payout_id",
        "recovered_at",
    ],
    others: &[],
};

/// What each project's developer is owed on `developer_payable`, per currency.
pub const PAYABLE_BALANCES: Table = Table {
    name: "payable_balances",
    columns: &["project_id", "currency", "amount"],
    others: &[],
};

/// The analytics rollup: one row per UTC day, metric and currency ('' for counts).
pub const ANALYTICS_DAILY: Table = Table {
    name: "analytics_daily",
    columns: &["day", "metric", "currency", "value"],
    others: &[],
};
