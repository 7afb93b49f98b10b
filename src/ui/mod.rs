//! The terminal back-office (ratatui). Never imports sqlx, never awaits the database in draw.

use std::process::ExitCode;

use crate::cli::Cli;
use crate::config::Config;

pub async fn run(_cli: Cli, _config: Config) -> ExitCode {
    ExitCode::SUCCESS
}
