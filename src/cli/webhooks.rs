//! `obryl webhook …`: partners' endpoints, their deliveries, replays.

use clap::Subcommand;

use crate::config::Config;
use crate::domain::Locale;

use super::CliError;

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add an endpoint; prints its id and signing secret (shown this once).
    Add {
        url: String,
        /// Event types to send, comma-separated (`*` for every type).
        #[arg(long, value_delimiter = ',', required = true)]
        events: Vec<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Endpoints with their status and failure streak.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop sending to an endpoint.
    Disable {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Send to an endpoint again (its failure streak starts over).
    Enable {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// A new signing secret; the old one keeps signing for `webhooks.rotation_overlap_hours`.
    Rotate {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Queue a `webhook.test` event for this endpoint only.
    Test {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Delivery attempts, newest first.
    Deliveries {
        #[arg(long)]
        endpoint: Option<i64>,
        /// Only failed attempts.
        #[arg(long)]
        failed: bool,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Send one delivery again, or every failed one of an endpoint since a time.
    Replay {
        #[arg(required_unless_present = "endpoint", conflicts_with = "endpoint")]
        delivery: Option<i64>,
        #[arg(long, requires = "failed_since")]
        endpoint: Option<i64>,
        /// An RFC 3339 time, or YYYY-MM-DD (00:00 UTC).
        #[arg(long, value_name = "TIME", requires = "endpoint")]
        failed_since: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(
    _config: &Config,
    _locale: Locale,
    _as_email: Option<&str>,
    _cmd: WebhookCommand,
) -> Result<(), CliError> {
    Err(CliError::failed("webhook: not built yet"))
}
