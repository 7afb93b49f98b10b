//! The command line: `obryl` opens the terminal back-office; subcommands administer the
//! database and script the same use cases with the same rules (they call `service`).

mod admin;
mod commission;
mod ops;
mod output;
pub mod session;
mod ticket;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{Config, Overrides};
use crate::service::seed::Size;

#[derive(Debug, Parser)]
#[command(
    name = "obryl",
    version,
    about = "Obryl Tech staff back-office",
    propagate_version = true
)]
pub struct Cli {
    /// Database to open: sqlite://PATH or postgres://USER@HOST/DB (default: the embedded demo).
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
    /// Open the TUI on this tab.
    #[arg(long, value_enum)]
    pub tab: Option<TabArg>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TabArg {
    Projects,
    Commissions,
    Workload,
    Tickets,
    Audit,
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
        size: Size,
        /// Random seed: the same seed and anchor give identical data.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// The "now" of the generated history (YYYY-MM-DD); default: today.
        #[arg(long, value_name = "DATE")]
        anchor: Option<chrono::NaiveDate>,
    },
    /// Check the connection, the schema and the row counts.
    Doctor,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Forget and revoke the remembered login.
    Logout,
    /// Finance: list, inspect and decide commissions.
    #[command(subcommand)]
    Commission(commission::CommissionCommand),
    /// Support: list, inspect, assign, answer and move tickets.
    #[command(subcommand)]
    Ticket(ticket::TicketCommand),
    /// Operations: list, inspect, assign and move projects.
    #[command(subcommand)]
    Project(ops::ProjectCommand),
    /// Developers × the next 8 ISO weeks: planned hours against capacity.
    Workload {
        /// First ISO week shown (default: this week).
        #[arg(long)]
        week: Option<u32>,
        #[arg(long, default_value_t = 100)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// The audit log.
    #[command(subcommand)]
    Audit(ops::AuditCommand),
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
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
    },
    /// Grant a role.
    Grant { email: String, role: String },
    /// Revoke a role.
    Revoke { email: String, role: String },
    /// Set a new password (from OBRYL_PASSWORD or a prompt).
    Passwd { email: String },
}

/// Exit codes: 0 done, 1 refused by a rule, 2 usage or connection error.
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

/// Runs a non-TUI command; returns the process exit code.
pub async fn run(cli: Cli, config: Config) -> ExitCode {
    let result = match cli.command {
        None | Some(Command::Tui) => unreachable_tui(),
        Some(Command::Migrate) => admin::migrate(&config).await,
        Some(Command::Seed { size, seed, anchor }) => {
            admin::seed(&config, size, seed, anchor).await
        }
        Some(Command::Doctor) => admin::doctor(&config).await,
        Some(Command::User(cmd)) => admin::user(&config, cmd).await,
        Some(Command::Logout) => session::logout(&config).await,
        Some(Command::Commission(cmd)) => {
            commission::run(&config, cli.as_email.as_deref(), cmd).await
        }
        Some(Command::Ticket(cmd)) => ticket::run(&config, cli.as_email.as_deref(), cmd).await,
        Some(Command::Project(cmd)) => ops::project(&config, cli.as_email.as_deref(), cmd).await,
        Some(Command::Workload { week, limit, json }) => {
            ops::workload(&config, week, limit, json).await
        }
        Some(Command::Audit(cmd)) => ops::audit(&config, cmd).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("obryl: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

fn unreachable_tui() -> Result<(), CliError> {
    Err(CliError::failed(
        "the TUI is started by main, not by cli::run",
    ))
}

/// A command's failure: the message for stderr and the exit code.
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
}

impl From<crate::service::ServiceError> for CliError {
    fn from(e: crate::service::ServiceError) -> CliError {
        CliError {
            message: e.to_string(),
            code: if e.is_refusal() {
                EXIT_REFUSED
            } else {
                EXIT_FAILED
            },
        }
    }
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> CliError {
        CliError::failed(e.to_string())
    }
}
