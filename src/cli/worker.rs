//! `obryl worker [--once]`: the background jobs as a process of their own. SIGTERM or Ctrl-C
//! lets the attempts in flight finish, then it stops; `--once` does what is due and prints a
//! one-line summary.

use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::Locale;
use crate::tr;
use crate::worker::{self, Report, WorkerError};

use super::{CliError, OrCli};

/// Cancels `cancel` at the first SIGTERM or Ctrl-C.
fn stop_on_signals(cancel: CancellationToken) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut term = match signal(SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    cancel.cancel();
                    return;
                }
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("stop asked: finishing the attempts in flight");
        cancel.cancel();
    });
}

fn summary(r: &Report, locale: Locale) -> String {
    let n = |v: u64| v.to_string();
    let mut line = tr(
        locale,
        "cli_worker.summary",
        &[
            ("succeeded", &n(r.succeeded)),
            ("failed", &n(r.failed)),
            ("gave_up", &n(r.gave_up)),
            ("disabled", &n(r.endpoints_disabled)),
            ("escrows", &n(r.escrows_released)),
            ("sessions", &n(r.sessions_ended)),
            ("breaches", &n(r.breaches_announced)),
        ],
    );
    if r.lease_busy {
        line.push(' ');
        line.push_str(&tr(locale, "cli_worker.lease_busy", &[]));
    }
    if r.errors > 0 {
        line.push(' ');
        line.push_str(&tr(locale, "cli_worker.errors", &[("n", &n(r.errors))]));
    }
    line
}

pub async fn run(config: &Config, locale: Locale, once: bool) -> Result<(), CliError> {
    let (db, _) = super::admin::open(config, locale).await?;
    db.ensure_migrated().await.or_cli(locale)?;
    let cancel = CancellationToken::new();
    stop_on_signals(cancel.clone());
    if !once {
        println!(
            "{}",
            tr(locale, "cli_worker.started", &[("db", &db.describe())])
        );
    }
    let result = worker::run(db.clone(), config, once, cancel).await;
    db.close().await;
    match result {
        Ok(report) => {
            println!("{}", summary(&report, locale));
            if report.errors > 0 {
                Err(CliError::failed(tr(locale, "cli_worker.failed_some", &[])))
            } else {
                Ok(())
            }
        }
        Err(WorkerError::Store(e)) => Err(e).or_cli(locale),
        Err(e) => Err(CliError::failed(tr(
            locale,
            "cli_worker.cannot_start",
            &[("reason", &e.to_string())],
        ))),
    }
}
