//! `obryl worker [--once]`: the background jobs as a process of their own, acting as a service
//! account (`--as NAME`) or a staff member (`--as EMAIL`, or the remembered login), each job
//! only while that identity holds its permission. SIGTERM or Ctrl-C lets the attempts in
//! flight finish, then it stops; `--once` does what is due and prints a one-line summary.

use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::Locale;
use crate::office::messages::error_text;
use crate::service::{Actor, service_accounts};
use crate::tr;
use crate::worker::{self, Identity, Job, Report, WorkerError};

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
            ("referrals", &n(r.referrals_checked)),
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

/// Who acts, as people read it: "the service account automation", "Awa Diop
/// (finance@obryl.test)".
pub(super) fn who(actor: &Actor, locale: Locale) -> String {
    match service_accounts::name_of(&actor.email) {
        Some(name) => tr(locale, "cli.service_account.label", &[("name", name)]),
        None => format!("{} ({})", actor.name, actor.email),
    }
}

/// "webhook deliveries (webhooks.manage: manage webhooks)".
fn job_needs(job: Job, locale: Locale) -> String {
    let permission = job.permission().as_str();
    tr(
        locale,
        "cli_worker.job_needs",
        &[
            (
                "job",
                &tr(locale, &format!("cli_worker.job.{}", job.key()), &[]),
            ),
            ("permission", permission),
            (
                "what",
                &tr(locale, &format!("error.permission.{permission}"), &[]),
            ),
        ],
    )
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_: Option<&str>,
    once: bool,
) -> Result<(), CliError> {
    let (db, url) = super::admin::open(config, locale).await?;
    db.ensure_migrated().await.or_cli(locale)?;
    let actor = super::session::background_actor(config, locale, &db, &url, as_).await?;
    let identity = Identity::check(&db, &actor).await.or_cli(locale)?;
    let name = who(identity.actor(), locale);
    if identity.jobs().is_empty() {
        let needs: Vec<String> = Job::ALL.iter().map(|j| job_needs(*j, locale)).collect();
        return Err(CliError::refused(tr(
            locale,
            "cli_worker.no_job",
            &[("who", &name), ("needs", &needs.join("; "))],
        )));
    }
    for job in identity.refused() {
        eprintln!(
            "obryl: {}",
            tr(
                locale,
                "cli_worker.not_run",
                &[("who", &name), ("needs", &job_needs(*job, locale))],
            )
        );
    }
    let stopped_name = name.clone();
    let identity = identity.on_stop(move |stop| {
        eprintln!(
            "obryl: {}",
            tr(
                locale,
                "cli_worker.job_stopped",
                &[
                    ("who", &stopped_name),
                    ("needs", &job_needs(stop.job, locale)),
                    ("reason", &error_text(&stop.error, locale)),
                ],
            )
        );
    });
    let cancel = CancellationToken::new();
    stop_on_signals(cancel.clone());
    if !once {
        println!(
            "{}",
            tr(
                locale,
                "cli_worker.started",
                &[("db", &db.describe()), ("who", &name)]
            )
        );
    }
    let result = worker::run(db.clone(), config, identity, once, cancel).await;
    db.close().await;
    match result {
        Ok(report) => {
            println!("{}", summary(&report, locale));
            if report.jobs_stopped > 0 {
                Err(CliError::refused(tr(
                    locale,
                    "cli_worker.some_stopped",
                    &[],
                )))
            } else if report.errors > 0 {
                Err(CliError::failed(tr(locale, "cli_worker.failed_some", &[])))
            } else {
                Ok(())
            }
        }
        Err(WorkerError::Identity(e)) => Err(CliError::refused(tr(
            locale,
            "cli_worker.identity_lost",
            &[("who", &name), ("reason", &error_text(&e, locale))],
        ))),
        Err(WorkerError::NoJob { refused }) => {
            let needs: Vec<String> = refused.iter().map(|j| job_needs(*j, locale)).collect();
            Err(CliError::refused(tr(
                locale,
                "cli_worker.no_job",
                &[("who", &name), ("needs", &needs.join("; "))],
            )))
        }
        Err(WorkerError::Store(e)) => Err(e).or_cli(locale),
        Err(e) => Err(CliError::failed(tr(
            locale,
            "cli_worker.cannot_start",
            &[("reason", &e.to_string())],
        ))),
    }
}
