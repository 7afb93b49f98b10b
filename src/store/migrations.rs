//! The schema, embedded in the binary so `obryl` migrates a database from anywhere.

use std::borrow::Cow;

use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

macro_rules! embed {
    ($dir:literal: $($version:literal $name:literal),+ $(,)?) => {
        vec![$(
            Migration::new(
                $version,
                Cow::Borrowed($name),
                MigrationType::Simple,
                SqlStr::from_static(include_str!(concat!("../../migrations/", $dir, "/", $name, ".sql"))),
                false,
            )
        ),+]
    };
}

macro_rules! all_migrations {
    ($dir:literal) => {
        embed!($dir:
            1 "0001_users", 2 "0002_profiles", 3 "0003_projects", 4 "0004_reviews",
            5 "0005_commissions", 6 "0006_permissions", 7 "0007_articles", 8 "0008_workload",
            9 "0009_ext_commissions", 10 "0010_support_tickets", 11 "0011_settings",
            12 "0012_audit_logs", 13 "0013_notifications", 14 "0014_ledger_escrow",
            15 "0015_messaging", 16 "0016_referrals", 17 "0017_media", 18 "0018_api_webhooks",
            19 "0019_staff_sessions", 20 "0020_moderation_indexes",
            21 "0021_access_control", 22 "0022_ticket_sla_keys", 23 "0023_users_name_key",
            24 "0024_ticket_follow_ups", 25 "0025_project_skills", 26 "0026_escrow_payouts",
            27 "0027_escrow_second_approval", 28 "0028_commissions_by_project",
            29 "0029_partners", 30 "0030_webhook_delivery_queue", 31 "0031_analytics_rollups",
            32 "0032_payable_balances", 33 "0033_message_data",
            34 "0034_staff_ssh_keys", 35 "0035_ssh_sessions", 36 "0036_laravel_times",
            37 "0037_referral_codes", 38 "0038_referral_rewards",
            39 "0039_referral_payouts",
            40 "0040_referral_flags_checked",
            41 "0041_media_moderation",
            42 "0042_referrals_by_code",
        )
    };
}

/// The newest migration's number.
pub fn latest() -> i64 {
    sqlite().iter().map(|m| m.version).max().unwrap_or(0)
}

pub fn sqlite() -> Migrator {
    Migrator::with_migrations(all_migrations!("sqlite"))
}

pub fn postgres() -> Migrator {
    Migrator::with_migrations(all_migrations!("postgres"))
}

/// MariaDB (10.11) with Laravel's types; attaches to the tables a Laravel application already
/// made (`migrations/mysql/README.md`).
pub fn mysql() -> Migrator {
    Migrator::with_migrations(all_migrations!("mysql"))
}

/// Every table the schema creates, in creation order (used by `doctor` and tests).
pub const TABLES: &[&str] = &[
    "currencies",
    "users",
    "profiles",
    "projects",
    "reviews",
    "commissions",
    "permissions",
    "roles",
    "model_has_permissions",
    "model_has_roles",
    "role_has_permissions",
    "articles",
    "workload",
    "ext_commissions",
    "support_tickets",
    "settings",
    "audit_logs",
    "notifications",
    "ledger_accounts",
    "ledger_transfers",
    "escrows",
    "payment_transactions",
    "conversations",
    "conversation_participants",
    "messages",
    "referral_codes",
    "referrals",
    "referral_rewards",
    "media",
    "personal_access_tokens",
    "webhook_endpoints",
    "webhook_events",
    "webhook_deliveries",
    "staff_sessions",
    "analytics_daily",
];
