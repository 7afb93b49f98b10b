//! `obryl token …`: partners' API tokens (Sanctum's `ID|plaintext`, shown once).

use clap::Subcommand;

use crate::config::Config;
use crate::domain::Locale;

use super::CliError;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; prints `ID|plaintext` this once.
    Create {
        #[arg(long)]
        name: String,
        /// Abilities, comma-separated: projects:read, commissions:read, escrows:read, tickets:read.
        #[arg(long, value_delimiter = ',', required = true)]
        abilities: Vec<String>,
        /// Days until it expires (default: never).
        #[arg(long, value_name = "DAYS")]
        expires: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Tokens with their abilities, expiry and last use (never the secret).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: it stops working at once.
    Revoke {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(
    _config: &Config,
    _locale: Locale,
    _as_email: Option<&str>,
    _cmd: TokenCommand,
) -> Result<(), CliError> {
    Err(CliError::failed("token: not built yet"))
}
