//! The command line: `obryl` opens the terminal back-office; subcommands administer the
//! database and script the same use cases with the same rules (they call `service`).

mod admin;
mod analytics;
mod args;
mod commission;
mod escrow;
mod first_run;
mod media;
mod ops;
mod output;
mod payments;
mod payouts;
mod people;
mod referral_flags;
mod referral_rewards;
mod referrals;
mod serve;
mod service_accounts;
pub mod session;
mod sessions;
mod ssh_keys;
mod ticket;
mod tokens;
mod webhooks;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{Config, Overrides};
use crate::domain::{Availability, Locale, Role};
use crate::service::ServiceError;
use crate::store::StoreError;
use crate::tr;

#[derive(Debug, Parser)]
#[command(
    name = "obryl",
    version,
    about = "Obryl Tech staff back-office",
    propagate_version = true
)]
pub struct Cli {
    /// Database to open: sqlite://PATH, postgres://USER@HOST/DB or mysql://USER@HOST/DB
    /// (MariaDB or MySQL; default: the embedded demo).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Where the demo database, remembered login, drafts and logs live.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (default: ~/.config/obryl/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Act as this staff member (the password comes from OBRYL_PASSWORD, a prompt, or a
    /// remembered login); in the TUI, prefills the login screen.
    #[arg(long = "as", global = true, value_name = "EMAIL")]
    pub as_email: Option<String>,
    /// Interface language: fr or en (default: LANG).
    #[arg(long, global = true)]
    pub locale: Option<String>,
    /// Colour theme: dark, light or high-contrast.
    #[arg(long, global = true)]
    pub theme: Option<String>,
    /// Hide and refuse every action.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Do not capture the mouse.
    #[arg(long, global = true)]
    pub no_mouse: bool,
    /// Open the TUI on this screen (the binary lists the screen registry's names).
    #[arg(long)]
    pub tab: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `obryl seed --size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SizeArg {
    /// ~60 users, ~120 projects: a lively demo that every screen can show.
    Demo,
    /// 50k users, 100k projects, millions of messages, audit rows and notifications.
    Large,
}

impl From<SizeArg> for crate::seed::Size {
    fn from(s: SizeArg) -> crate::seed::Size {
        match s {
            SizeArg::Demo => crate::seed::Size::Demo,
            SizeArg::Large => crate::seed::Size::Large,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the terminal back-office (the default).
    Tui,
    /// Create or update the schema (a no-op when up to date).
    Migrate,
    /// Fill an empty database with generated data.
    Seed {
        #[arg(long, value_enum, default_value = "demo")]
        size: SizeArg,
        /// Random seed: the same seed and anchor give identical data.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// The "now" of the generated history, which nothing generated is later than:
        /// an RFC 3339 time, or YYYY-MM-DD for 09:00 UTC that day; default: now.
        #[arg(long, value_name = "TIME", value_parser = args::anchor)]
        anchor: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Check the connection, the schema and the row counts.
    Doctor,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// End and forget the remembered login of this data directory.
    Logout,
    /// Back-office sessions: list them, end them (one's own, or anyone's with users.manage).
    #[command(subcommand)]
    Session(SessionCommand),
    /// Finance: list, inspect and decide commissions.
    #[command(subcommand)]
    Commission(commission::CommissionCommand),
    /// Finance: escrows (list, show, release, refund, decide a dispute, auto-release).
    #[command(subcommand)]
    Escrow(escrow::EscrowCommand),
    /// Finance: the ledger (verify).
    #[command(subcommand)]
    Ledger(escrow::LedgerCommand),
    /// Finance: payment transactions (list, record a confirmation or a failure).
    #[command(subcommand)]
    Payment(payments::PaymentCommand),
    /// Finance: developer payouts (what is owed, batches per provider, sent or failed).
    #[command(subcommand)]
    Payout(payouts::PayoutCommand),
    /// Finance: compare a provider's statement (CSV as its dashboard exports it) with our
    /// transactions. Exit 0 when it reconciles, 1 with the mismatches.
    Reconcile {
        #[arg(long, value_parser = ["wave", "orange_money", "mtn_momo", "cinetpay", "stripe"])]
        provider: String,
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Support: list, inspect, assign, answer and move tickets.
    #[command(subcommand)]
    Ticket(ticket::TicketCommand),
    /// Operations: list, inspect, assign and move projects.
    #[command(subcommand)]
    Project(ops::ProjectCommand),
    /// Developers × the next 8 ISO weeks: planned hours against capacity.
    Workload {
        /// First ISO week shown, 1 to 53 (default: this week).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=53))]
        week: Option<u32>,
        #[arg(long, default_value_t = 100)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// The audit log.
    #[command(subcommand)]
    Audit(ops::AuditCommand),
    /// Analytics per month and currency: money collected, released, commissions, refunds,
    /// growth, projects, tickets and SLA; `rebuild` recomputes the rollup, `report` writes HTML.
    Analytics(analytics::AnalyticsArgs),
    /// Moderation: list, hide and restore reviews.
    #[command(subcommand)]
    Review(people::ReviewCommand),
    /// Referrals: the codes clients and developers hand out, and what their referrers earn.
    #[command(subcommand)]
    Referral(referrals::ReferralCommand),
    /// Moderation of what developers publish: images, demo videos, 3D embeds.
    #[command(subcommand)]
    Media(media::MediaCommand),
    /// Partners: webhook endpoints, deliveries and replays.
    #[command(subcommand)]
    Webhook(webhooks::WebhookCommand),
    /// Partners: API tokens.
    #[command(subcommand)]
    Token(tokens::TokenCommand),
    /// Service accounts: the named identities `worker` and `serve` act as (`--as NAME`).
    #[command(subcommand)]
    ServiceAccount(service_accounts::ServiceAccountCommand),
    /// Run the background jobs: webhook delivery, escrow auto-release, expiries, SLA breaches,
    /// as a service account (`--as NAME`) or a staff member (`--as EMAIL`); each job runs
    /// while that identity holds its permission.
    Worker {
        /// Run what is due now, then exit.
        #[arg(long)]
        once: bool,
    },
    /// Serve the partners' read API (`--api`, as a service account `--as NAME` or a staff
    /// member `--as EMAIL` holding api_tokens.manage), or the back-office over SSH (`--ssh`,
    /// staff logging in with their registered keys).
    #[command(group(clap::ArgGroup::new("server").required(true).args(["api", "ssh"])))]
    Serve {
        /// The partners' read API.
        #[arg(long)]
        api: bool,
        /// The back-office over SSH.
        #[arg(long)]
        ssh: bool,
        /// Address to listen on (default: `api.listen` or `ssh.listen`, loopback).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account (password from OBRYL_PASSWORD or a prompt).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// Roles to grant: super-admin, finance, support, editor, ops.
        #[arg(long = "role", value_name = "ROLE", value_parser = args::staff_role())]
        roles: Vec<Role>,
        /// Print the account as it now is, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Grant a role.
    Grant {
        email: String,
        #[arg(value_parser = args::staff_role())]
        role: Role,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a role.
    Revoke {
        email: String,
        #[arg(value_parser = args::staff_role())]
        role: Role,
        #[arg(long)]
        json: bool,
    },
    /// Set a new password (from OBRYL_PASSWORD or a prompt).
    Passwd {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete an account (it stays in the history) and end its sessions.
    Delete {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// SSH keys of a staff member, for the back-office served over SSH.
    #[command(subcommand)]
    Key(ssh_keys::KeyCommand),
    /// List people by name with their roles, availability, capacity and payout method.
    List {
        #[arg(long = "type", value_enum)]
        kind: Option<people::PersonKind>,
        #[arg(long, value_parser = args::one_of::<Role>())]
        role: Option<Role>,
        /// available, busy or unavailable (developers).
        #[arg(long, value_parser = args::one_of::<Availability>())]
        availability: Option<Availability>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Sessions of a person (default: oneself), live ones unless --all.
    List {
        #[arg(long, value_name = "EMAIL")]
        user: Option<String>,
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// End one session by id, or every live session of --user.
    Revoke {
        #[arg(required_unless_present = "user")]
        id: Option<i64>,
        #[arg(long, value_name = "EMAIL")]
        user: Option<String>,
        /// Print the sessions ended, as they now are, as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Exit codes, the same for every command (the README's table):
/// - 0: done;
/// - 1 ([`EXIT_REFUSED`]): refused by a rule — nobody logged in, a permission, a state (already
///   decided, an illegal move), four-eyes, a capacity, a value the rules refuse (an empty
///   reason), or a record that is not there;
/// - 2 ([`EXIT_FAILED`]): usage — an unknown option, a missing argument, an invalid value
///   (`--status bogus`, a role or week that does not exist: clap refuses these before anything
///   is read) — or the database: a missing file, no connection, a schema not migrated.
pub const EXIT_DONE: u8 = 0;
pub const EXIT_REFUSED: u8 = 1;
pub const EXIT_FAILED: u8 = 2;

impl Cli {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            config_file: self.config.clone(),
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
            locale: self.locale.clone(),
            theme: self.theme.clone(),
            read_only: self.read_only,
            no_mouse: self.no_mouse,
        }
    }
}

/// Runs a non-TUI command; returns the process exit code. Everything printed for a person is in
/// the user's language (`Config::locale`); `--json` output stays as the program reads it.
pub async fn run(cli: Cli, config: Config) -> ExitCode {
    let locale = config.locale(|k| std::env::var(k).ok());
    // The first command on a fresh data directory builds the embedded demo, as the TUI does.
    if let Err(e) = first_run::ensure_demo(cli.command.as_ref(), &config, locale).await {
        eprintln!("obryl: {}", crate::domain::sanitize_line(&e.message));
        return ExitCode::from(e.code);
    }
    let result = match cli.command {
        None | Some(Command::Tui) => unreachable_tui(locale),
        Some(Command::Migrate) => admin::migrate(&config, locale).await,
        Some(Command::Seed { size, seed, anchor }) => {
            admin::seed(&config, locale, size.into(), seed, anchor).await
        }
        Some(Command::Doctor) => admin::doctor(&config, locale).await,
        Some(Command::User(cmd)) => {
            admin::user(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Logout) => session::logout(&config, locale).await,
        Some(Command::Session(cmd)) => {
            sessions::run(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Commission(cmd)) => {
            commission::run(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Escrow(cmd)) => {
            escrow::escrow(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Ledger(cmd)) => {
            escrow::ledger(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Payment(cmd)) => {
            payments::payment(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Payout(cmd)) => {
            payouts::payout(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Reconcile {
            provider,
            file,
            json,
        }) => {
            payments::reconcile(
                &config,
                locale,
                cli.as_email.as_deref(),
                &provider,
                &file,
                json,
            )
            .await
        }
        Some(Command::Ticket(cmd)) => {
            ticket::run(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Review(cmd)) => {
            people::review(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Project(cmd)) => {
            ops::project(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Workload { week, limit, json }) => {
            ops::workload(&config, locale, cli.as_email.as_deref(), week, limit, json).await
        }
        Some(Command::Audit(cmd)) => {
            ops::audit(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Analytics(args)) => {
            analytics::run(&config, locale, cli.as_email.as_deref(), args).await
        }
        Some(Command::Webhook(cmd)) => {
            webhooks::run(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Token(cmd)) => {
            tokens::run(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::ServiceAccount(cmd)) => {
            service_accounts::run(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Referral(cmd)) => {
            referrals::run(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Media(cmd)) => {
            media::run(&config, locale, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Worker { once }) => {
            worker::run(&config, locale, cli.as_email.as_deref(), once).await
        }
        Some(Command::Serve {
            ssh: true, listen, ..
        }) => serve::run_ssh(&config, locale, listen).await,
        Some(Command::Serve { listen, .. }) => {
            serve::run(&config, locale, cli.as_email.as_deref(), listen).await
        }
    };
    match result {
        Ok(()) => ExitCode::from(EXIT_DONE),
        Err(e) => {
            eprintln!("obryl: {}", crate::domain::sanitize_line(&e.message));
            ExitCode::from(e.code)
        }
    }
}

fn unreachable_tui(locale: Locale) -> Result<(), CliError> {
    Err(CliError::failed(tr(locale, "cli.tui_from_main", &[])))
}

/// A command's failure: the message for stderr, already in the user's language, and the exit
/// code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub code: u8,
}

impl CliError {
    pub fn failed(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            code: EXIT_FAILED,
        }
    }
    pub fn refused(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            code: EXIT_REFUSED,
        }
    }
    /// A service failure rendered in `locale`: exit code 1 when a rule refused, else 2.
    pub fn from_service(e: ServiceError, locale: Locale) -> CliError {
        // The screens' "reconnecting…" would be wrong here: a command does not retry.
        let lost =
            e.is_connection_lost() && !matches!(e, ServiceError::Store(StoreError::Connect { .. }));
        CliError {
            message: if lost {
                tr(locale, "cli.connection_lost", &[("reason", &e.to_string())])
            } else {
                crate::office::messages::error_text(&e, locale)
            },
            code: if e.is_refusal() {
                EXIT_REFUSED
            } else {
                EXIT_FAILED
            },
        }
    }
}

/// Turns a service, store or domain failure into a [`CliError`] in the user's language. There is
/// deliberately no `From<ServiceError> for CliError`: `?` alone would lose the language.
pub trait OrCli<T> {
    fn or_cli(self, locale: Locale) -> Result<T, CliError>;
}

impl<T, E: Into<ServiceError>> OrCli<T> for Result<T, E> {
    fn or_cli(self, locale: Locale) -> Result<T, CliError> {
        self.map_err(|e| CliError::from_service(e.into(), locale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DomainError;

    #[test]
    fn service_errors_keep_their_exit_code_and_speak_the_users_language() {
        let e = || ServiceError::NotFound {
            what: "commission",
            key: "12".into(),
        };
        let fr = CliError::from_service(e(), Locale::Fr);
        assert_eq!(
            (fr.code, fr.message.as_str()),
            (EXIT_REFUSED, "Commission n°12 introuvable.")
        );
        let en = CliError::from_service(e(), Locale::En);
        assert_eq!(
            (en.code, en.message.as_str()),
            (EXIT_REFUSED, "Commission #12 not found.")
        );

        let refused: Result<(), DomainError> = Err(DomainError::EmptyText { field: "reason" });
        let e = refused.or_cli(Locale::Fr).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (EXIT_REFUSED, "Le motif ne doit pas être vide.")
        );

        let broken: Result<(), StoreError> = Err(StoreError::NotMigrated);
        let e = broken.or_cli(Locale::Fr).unwrap_err();
        assert_eq!(e.code, EXIT_FAILED);
        assert_eq!(
            e.message,
            "La base n'est pas migrée (lancez `obryl migrate`)."
        );
    }

    /// Every `"cli.…"` key the command line prints exists in both languages (a line break
    /// after `tr(` hides a key from the locale test's scan, so the CLI checks its own).
    #[test]
    fn every_cli_key_exists_in_both_languages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cli");
        let mut keys = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for prefix in ["cli.", "cli_contract."] {
                for part in text.split(&format!("\"{prefix}")).skip(1) {
                    if let Some((rest, _)) = part.split_once('"')
                        && !rest.is_empty()
                        && !rest.ends_with('.')
                        && rest
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                    {
                        keys.push(format!("{prefix}{rest}"));
                    }
                }
            }
        }
        assert!(keys.len() > 50, "found only {keys:?}");
        assert!(
            keys.iter().any(|k| k.starts_with("cli_contract.")),
            "{keys:?}"
        );
        for key in keys {
            for locale in Locale::ALL {
                let text = tr(*locale, &key, &[]);
                let plural = tr(*locale, &format!("{key}.other"), &[]);
                assert!(
                    text != key || !plural.ends_with(".other"),
                    "{key} missing in {locale}"
                );
            }
        }
    }
}
