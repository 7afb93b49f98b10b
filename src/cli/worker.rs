//! `obryl worker [--once]`: the background jobs as a process of their own.

use crate::config::Config;
use crate::domain::Locale;

use super::CliError;

pub async fn run(_config: &Config, _locale: Locale, _once: bool) -> Result<(), CliError> {
    Err(CliError::failed("worker: not built yet"))
}
