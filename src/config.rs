//! Layered configuration: built-in defaults (config/default.toml) < user file < environment <
//! command-line flags. Every setting is documented in config/default.toml.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

const DEFAULTS: &str = include_str!("../config/default.toml");

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Config {
    pub database: DatabaseConfig,
    pub paths: PathsConfig,
    pub session: SessionConfig,
    pub login: LoginConfig,
    pub ui: UiConfig,
    pub live: LiveConfig,
    pub limits: LimitsConfig,
    pub logging: LoggingConfig,
    pub worker: WorkerConfig,
    pub webhooks: WebhooksConfig,
    pub api: ApiConfig,
    pub ssh: SshConfig,
    pub referrals: ReferralsConfig,
    pub media: MediaConfig,
    #[serde(default)]
    pub keys: BTreeMap<String, KeyBinding>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct DatabaseConfig {
    pub url: String,
    /// Connections in the process's one pool.
    pub pool_size: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct PathsConfig {
    pub data_dir: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct SessionConfig {
    pub remember: bool,
    pub ttl_days: i64,
    pub login_hours: i64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct LoginConfig {
    pub throttle_failures: usize,
    pub throttle_window_minutes: i64,
    pub throttle_delays_seconds: Vec<i64>,
}

impl LoginConfig {
    pub fn throttle_policy(&self) -> crate::domain::ThrottlePolicy {
        let mut delays: Vec<chrono::Duration> = self
            .throttle_delays_seconds
            .iter()
            .map(|s| chrono::Duration::seconds((*s).max(1)))
            .collect();
        if delays.is_empty() {
            delays = crate::domain::ThrottlePolicy::default().delays;
        }
        crate::domain::ThrottlePolicy {
            after: self.throttle_failures,
            window: chrono::Duration::minutes(self.throttle_window_minutes.max(1)),
            delays,
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct UiConfig {
    pub locale: String,
    pub theme: String,
    pub mouse: bool,
    pub read_only: bool,
    pub start_tab: String,
    pub commission_order: String,
    /// Media previews: auto (ask the terminal), halfblocks, off.
    pub graphics: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct LiveConfig {
    pub poll_ms: u64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct LimitsConfig {
    pub reason_max_bytes: usize,
    pub reply_max_bytes: usize,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct LoggingConfig {
    pub filter: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WorkerConfig {
    /// Run the worker inside the TUI when it opens the embedded demo database.
    pub in_process_on_demo: bool,
    /// How often an idle worker looks for due work.
    pub poll_ms: u64,
    /// How long a claimed delivery or a job lease is a worker's own before another may take it.
    pub lease_seconds: i64,
    /// Deliveries claimed at once, and sent concurrently.
    pub batch_size: usize,
    pub concurrency: usize,
    /// How often the scheduled jobs (auto-release, expiries, SLA breaches) run.
    pub jobs_every_seconds: u64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WebhooksConfig {
    /// Delays before each retry, e.g. ["5s", "5m", "30m", "2h", "5h", "10h", "10h", "24h", "24h"];
    /// `OBRYL_WEBHOOKS_RETRY_SCHEDULE=1s,1s,1s` overrides it.
    pub retry_schedule: Vec<String>,
    pub connect_timeout_ms: u64,
    pub timeout_ms: u64,
    /// Longest `Retry-After` honoured, in seconds (a longer one is cut to this).
    pub max_retry_after_seconds: i64,
    /// How long the previous secret keeps signing after a rotation, in hours.
    pub rotation_overlap_hours: i64,
    /// Allow http:// and loopback, private and link-local addresses (tests only);
    /// `OBRYL_WEBHOOKS_ALLOW_PRIVATE=1` sets it.
    pub allow_private_addresses: bool,
}

impl WebhooksConfig {
    pub fn policy(&self) -> crate::domain::webhook::Policy {
        crate::domain::webhook::Policy {
            allow_private_addresses: self.allow_private_addresses,
            rotation_overlap_hours: self.rotation_overlap_hours.max(0),
        }
    }

    pub fn schedule(
        &self,
    ) -> Result<crate::domain::webhook::RetrySchedule, crate::domain::webhook::ScheduleError> {
        crate::domain::webhook::RetrySchedule::parse(&self.retry_schedule)
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ApiConfig {
    /// Where `obryl serve --api` listens unless `--listen` says otherwise.
    pub listen: String,
    /// Requests per token per second, with a burst of as many again; beyond: 429.
    pub rate_per_second: u32,
    pub default_page: u64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ReferralsConfig {
    /// The platform's sign-up address a code is appended to, making its link.
    pub signup_url: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct MediaConfig {
    /// The media disk's root ("" = `media` in the data directory).
    pub root: String,
    /// Hosts embeds may come from.
    pub embed_hosts: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct SshConfig {
    /// Where `obryl serve --ssh` listens unless `--listen` says otherwise.
    pub listen: String,
    /// The host key's file ("" = `ssh_host_ed25519_key` in the data directory).
    pub host_key: String,
    pub idle_seconds: u64,
    pub max_sessions_per_user: usize,
    pub max_sessions: usize,
    pub connections_per_minute: u32,
    pub session_hours: i64,
}

impl Config {
    /// The SSH server's host key file.
    pub fn ssh_host_key_path(&self) -> PathBuf {
        if self.ssh.host_key.is_empty() {
            self.data_dir().join("ssh_host_ed25519_key")
        } else {
            PathBuf::from(&self.ssh.host_key)
        }
    }
}

/// One key or several for an action; "" unbinds it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum KeyBinding {
    One(String),
    Many(Vec<String>),
    /// `[keys.escrow]`: one screen's own actions.
    Screen(BTreeMap<String, KeyBinding>),
}

impl KeyBinding {
    pub fn keys(&self) -> Vec<String> {
        match self {
            KeyBinding::One(k) if k.is_empty() => Vec::new(),
            KeyBinding::One(k) => vec![k.clone()],
            KeyBinding::Many(ks) => ks.iter().filter(|k| !k.is_empty()).cloned().collect(),
            KeyBinding::Screen(_) => Vec::new(),
        }
    }
}

/// Values given on the command line (highest layer).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub locale: Option<String>,
    pub theme: Option<String>,
    pub read_only: bool,
    pub no_mouse: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid configuration: {message}")]
    Parse { path: PathBuf, message: String },
}

/// Deep-merges `over` into `base` (tables merge, other values replace).
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn parse_table(text: &str, path: &Path) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

pub fn user_config_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("tech", "Obryl", "obryl")
        .map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// The built-in defaults alone (used by tests and as the base layer).
    pub fn defaults() -> Config {
        // The embedded file is part of the binary and covered by tests.
        toml::from_str(DEFAULTS).expect("config/default.toml is valid")
    }

    /// Loads every layer. `env` is a lookup so tests can supply their own environment.
    pub fn load(
        o: &Overrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let defaults_path = Path::new("config/default.toml");
        let mut table = parse_table(DEFAULTS, defaults_path)?;
        let file = o
            .config_file
            .clone()
            .or_else(|| env("OBRYL_CONFIG").map(PathBuf::from))
            .or_else(user_config_file);
        if let Some(path) = file {
            match std::fs::read_to_string(&path) {
                Ok(text) => merge(&mut table, parse_table(&text, &path)?),
                // Only a missing default user file is fine; a named file must exist.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && o.config_file.is_none() => {}
                Err(source) => return Err(ConfigError::Read { path, source }),
            }
        }
        let mut cfg: Config =
            table
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError::Parse {
                    path: PathBuf::from("configuration"),
                    message: e.to_string(),
                })?;
        if let Some(url) = env("OBRYL_DATABASE_URL").or_else(|| env("DATABASE_URL")) {
            cfg.database.url = url;
        }
        if let Some(dir) = env("OBRYL_DATA_DIR") {
            cfg.paths.data_dir = dir;
        }
        if let Some(l) = env("OBRYL_LOCALE") {
            cfg.ui.locale = l;
        }
        if let Some(t) = env("OBRYL_THEME") {
            cfg.ui.theme = t;
        }
        if env("OBRYL_READ_ONLY").is_some_and(|v| v == "1" || v == "true") {
            cfg.ui.read_only = true;
        }
        if let Some(schedule) = env("OBRYL_WEBHOOKS_RETRY_SCHEDULE") {
            cfg.webhooks.retry_schedule = schedule
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if env("OBRYL_WEBHOOKS_ALLOW_PRIVATE").is_some_and(|v| v == "1" || v == "true") {
            cfg.webhooks.allow_private_addresses = true;
        }
        if let Some(rate) = env("OBRYL_API_RATE_PER_SECOND").and_then(|v| v.parse().ok()) {
            cfg.api.rate_per_second = rate;
        }
        if let Some(url) = &o.database_url {
            cfg.database.url = url.clone();
        }
        if let Some(dir) = &o.data_dir {
            cfg.paths.data_dir = dir.display().to_string();
        }
        if let Some(l) = &o.locale {
            cfg.ui.locale = l.clone();
        }
        if let Some(t) = &o.theme {
            cfg.ui.theme = t.clone();
        }
        cfg.ui.read_only |= o.read_only;
        if o.no_mouse {
            cfg.ui.mouse = false;
        }
        Ok(cfg)
    }

    pub fn data_dir(&self) -> PathBuf {
        if !self.paths.data_dir.is_empty() {
            return PathBuf::from(&self.paths.data_dir);
        }
        directories::ProjectDirs::from("tech", "Obryl", "obryl")
            .map(|d| d.data_dir().to_owned())
            .unwrap_or_else(|| PathBuf::from(".obryl"))
    }

    /// The media disk (`[media] root`, or `media` in the data directory).
    pub fn media_disk(&self) -> crate::media::MediaDisk {
        crate::media::MediaDisk::new(match self.media.root.as_str() {
            "" => self.data_dir().join("media"),
            root => PathBuf::from(root),
        })
    }

    /// Where embeds may come from.
    pub fn embed_policy(&self) -> crate::domain::media::EmbedPolicy {
        crate::domain::media::EmbedPolicy::new(self.media.embed_hosts.iter().cloned())
    }

    /// The embedded demo database's path, used when no URL is configured.
    pub fn demo_database_path(&self) -> PathBuf {
        self.data_dir().join("obryl.db")
    }

    /// The URL to open, and whether it is the embedded demo (which is created on first run).
    pub fn database_url(&self) -> (String, bool) {
        if self.database.url.is_empty() {
            (
                format!("sqlite://{}", self.demo_database_path().display()),
                true,
            )
        } else {
            (self.database.url.clone(), false)
        }
    }

    /// The interface language: the setting, else LANG / LC_ALL (fr_* -> French), else English.
    pub fn locale(&self, env: impl Fn(&str) -> Option<String>) -> crate::domain::Locale {
        use crate::domain::Locale;
        if !self.ui.locale.is_empty() {
            return Locale::from_tag(&self.ui.locale);
        }
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = env(var).filter(|v| !v.is_empty()) {
                return Locale::from_tag(&v);
            }
        }
        Locale::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_layers_apply_in_order() {
        let d = Config::defaults();
        assert_eq!(d.database.url, "");
        assert_eq!(d.session.ttl_days, 14);
        assert_eq!(
            d.login.throttle_policy(),
            crate::domain::ThrottlePolicy::default()
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[ui]\ntheme = \"light\"\n[database]\nurl = \"sqlite://file.db\"\n[keys]\napprove = \"A\"\n").unwrap();
        let o = Overrides {
            config_file: Some(file.clone()),
            ..Overrides::default()
        };
        let cfg = Config::load(&o, |_| None).unwrap();
        assert_eq!(cfg.ui.theme, "light");
        assert_eq!(cfg.database.url, "sqlite://file.db");
        assert_eq!(cfg.keys["approve"].keys(), vec!["A".to_string()]);
        let env = |k: &str| (k == "DATABASE_URL").then(|| "postgres://env/db".to_string());
        assert_eq!(
            Config::load(&o, env).unwrap().database.url,
            "postgres://env/db"
        );
        let o2 = Overrides {
            database_url: Some("sqlite://flag.db".into()),
            ..o
        };
        assert_eq!(
            Config::load(&o2, env).unwrap().database.url,
            "sqlite://flag.db"
        );
    }

    #[test]
    fn a_named_missing_file_is_an_error() {
        let o = Overrides {
            config_file: Some("/nonexistent/obryl.toml".into()),
            ..Overrides::default()
        };
        assert!(Config::load(&o, |_| None).is_err());
    }

    #[test]
    fn locale_follows_setting_then_lang() {
        let mut cfg = Config::defaults();
        assert_eq!(
            cfg.locale(|k| (k == "LANG").then(|| "fr_FR.UTF-8".into())),
            crate::domain::Locale::Fr
        );
        assert_eq!(cfg.locale(|_| None), crate::domain::Locale::En);
        cfg.ui.locale = "en".into();
        assert_eq!(
            cfg.locale(|k| (k == "LANG").then(|| "fr_FR.UTF-8".into())),
            crate::domain::Locale::En
        );
    }
}
