//! `obryl serve --api`: the partners' read API.

use crate::config::Config;
use crate::domain::Locale;

use super::CliError;

pub async fn run(
    _config: &Config,
    _locale: Locale,
    _listen: Option<String>,
) -> Result<(), CliError> {
    Err(CliError::failed("serve: not built yet"))
}
