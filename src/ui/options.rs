//! How an `App` is set up: the options the configuration gives it, and how its login screen
//! logs in.

use crate::config::Config;
use crate::domain::{Locale, ThrottlePolicy};
use crate::store::{Backend, Db};

use super::screens::TabId;

/// How the login screen logs in: the throttling it is subject to and how long sessions last.
#[derive(Clone, Debug)]
pub struct LoginSettings {
    pub policy: ThrottlePolicy,
    pub remembered_ttl: chrono::Duration,
    pub live_ttl: chrono::Duration,
}

impl Default for LoginSettings {
    fn default() -> LoginSettings {
        LoginSettings {
            policy: ThrottlePolicy::default(),
            remembered_ttl: chrono::Duration::days(14),
            live_ttl: chrono::Duration::hours(12),
        }
    }
}

/// Pictures in the terminal: asked of the terminal, always half-blocks, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphicsMode {
    Auto,
    Halfblocks,
    Off,
}

impl GraphicsMode {
    pub fn parse(s: &str) -> GraphicsMode {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" | "no" => GraphicsMode::Off,
            "halfblocks" | "half-blocks" => GraphicsMode::Halfblocks,
            _ => GraphicsMode::Auto,
        }
    }
}

#[derive(Clone)]
pub struct AppOptions {
    pub locale: Locale,
    pub theme: String,
    pub no_color: bool,
    pub read_only: bool,
    pub mouse: bool,
    pub start_tab: TabId,
    pub commission_oldest_first: bool,
    pub db_label: String,
    pub backend_pushes: bool,
    pub reason_max_bytes: usize,
    pub reply_max_bytes: usize,
    /// Where composer drafts are kept (None: not kept, e.g. in tests).
    pub drafts_dir: Option<std::path::PathBuf>,
    /// Where `e` writes CSV exports (None: exports are refused).
    pub exports_dir: Option<std::path::PathBuf>,
    /// The data directory (where the demo's provider statements are), if any.
    pub data_dir: Option<std::path::PathBuf>,
    /// What approving media checks: where embeds come from, where files are (`[media]`).
    pub media_rules: crate::service::media::Rules,
    /// Whether previews are drawn and whether the terminal is asked how (`ui.graphics`).
    pub graphics: GraphicsMode,
    /// What webhook URLs must be (`[webhooks]`).
    pub webhook_policy: crate::domain::webhook::Policy,
    pub login: LoginSettings,
}

impl AppOptions {
    /// The options `config` gives, opening on `tab` (or the configured start tab), for `db`.
    pub fn from_config(config: &Config, tab: Option<&str>, db: &Db) -> AppOptions {
        let env = |k: &str| std::env::var(k).ok();
        let start_tab = tab
            .and_then(TabId::parse)
            .or_else(|| TabId::parse(&config.ui.start_tab))
            .unwrap_or(TabId::Projects);
        AppOptions {
            locale: config.locale(env),
            theme: config.ui.theme.clone(),
            no_color: env("NO_COLOR").is_some_and(|v| !v.is_empty()),
            read_only: config.ui.read_only,
            mouse: config.ui.mouse,
            start_tab,
            commission_oldest_first: config.ui.commission_order != "newest",
            db_label: db.describe(),
            backend_pushes: db.backend() == Backend::Postgres,
            reason_max_bytes: config.limits.reason_max_bytes,
            reply_max_bytes: config.limits.reply_max_bytes,
            drafts_dir: Some(config.data_dir().join("drafts")),
            exports_dir: Some(config.data_dir().join("exports")),
            data_dir: Some(config.data_dir()),
            webhook_policy: config.webhooks.policy(),
            media_rules: crate::service::media::Rules {
                embeds: config.embed_policy(),
                disk: Some(config.media_disk()),
            },
            graphics: GraphicsMode::parse(&config.ui.graphics),
            login: LoginSettings {
                policy: config.login.throttle_policy(),
                remembered_ttl: chrono::Duration::days(config.session.ttl_days.max(1)),
                live_ttl: chrono::Duration::hours(config.session.login_hours.max(1)),
            },
        }
    }
}
