//! The command line's door into the embedded demo: the first command on a fresh data directory
//! (no database URL) builds the same demo the TUI's first run does, through the same function
//! (`seed::demo::ensure`), or fails and leaves nothing behind. What it says goes to stderr
//! (stdout stays the command's); the progress only when stderr is a terminal.

use std::io::{IsTerminal, Write};

use crate::config::Config;
use crate::domain::Locale;
use crate::seed;
use crate::tr;

use super::{CliError, Command};

/// Builds the embedded demo unless it is there, for every command that opens it: not `seed`
/// (it builds with its own options, `admin::seed`) nor `logout` (which has nothing to end on a
/// database that was never made).
pub async fn ensure_demo(
    command: Option<&Command>,
    config: &Config,
    locale: Locale,
) -> Result<(), CliError> {
    if matches!(
        command,
        None | Some(Command::Tui | Command::Seed { .. } | Command::Logout)
    ) {
        return Ok(());
    }
    let (_, is_demo) = config.database_url();
    if !is_demo {
        return Ok(());
    }
    let path = config.demo_database_path();
    let at = path.display().to_string();
    let starting = || eprintln!("{}", tr(locale, "first_run.creating", &[("path", &at)]));
    let terminal = std::io::stderr().is_terminal();
    let progress = |table: &str, done: u64, total: u64| {
        if terminal {
            eprint!("\r  {table:<26} {done:>7}/{total:<7}");
            let _ = std::io::stderr().flush();
        }
    };
    let built = seed::demo::ensure(&path, &starting, &progress)
        .await
        .map_err(|reason| {
            CliError::failed(tr(
                locale,
                "first_run.failed",
                &[("path", &at), ("reason", &reason)],
            ))
        })?;
    if built {
        // The demo's media files go on the media disk with it (their absence is never fatal).
        if let Ok((db, _)) = super::admin::open(config, locale).await
            && let Err(e) = seed::media_files::lay_out(&db, &config.media_disk()).await
        {
            tracing::warn!("laying out the demo's media files: {e}");
        }
        if terminal {
            eprint!("\r{:70}\r", "");
        }
        eprintln!("{}", tr(locale, "first_run.ready", &[]));
    }
    Ok(())
}
