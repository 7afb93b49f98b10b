//! Background jobs: webhook delivery, escrow auto-release, expiry of remembered logins,
//! SLA-breach notifications. `obryl worker` runs them as a process of its own (`--once`: what
//! is due, then exit); the TUI runs them in-process on the embedded demo ([`spawn`]).
//!
//! Several workers share one PostgreSQL database: deliveries are claimed with `FOR UPDATE
//! SKIP LOCKED` and leased, so no attempt is sent by two of them; on SQLite the worker that
//! holds the `webhooks` lease delivers. The scheduled jobs run under the `jobs` lease on both.
//! Delivery bookkeeping (claims, outcomes) is written through `store::deliveries`; what is
//! audited (an endpoint disabled, an escrow released, a session ended, a breach announced)
//! goes through the services, as the system.

mod delivery;
mod http;
mod jobs;

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::webhook::ScheduleError;
use crate::service::Origin;
use crate::store::{Db, StoreError};

pub use http::{EXCERPT_BYTES, Sender, Sent};

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Attempts that got a 2xx.
    pub succeeded: u64,
    /// Failed attempts with a retry scheduled.
    pub failed: u64,
    /// Attempts after which nothing more is tried (410, schedule exhausted).
    pub gave_up: u64,
    pub endpoints_disabled: u64,
    pub escrows_released: u64,
    pub sessions_ended: u64,
    pub breaches_announced: u64,
    /// SQLite: another worker holds the delivery lease, so this one delivered nothing.
    pub lease_busy: bool,
    /// Failures logged and survived (a write retried in vain, a job that failed).
    pub errors: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("webhooks.retry_schedule: {0}")]
    Schedule(#[from] ScheduleError),
    #[error("{0}")]
    Client(#[from] http::ClientError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// What every part of a run shares.
#[derive(Clone)]
struct Run {
    db: Db,
    /// Who this worker is in leases and claims.
    holder: String,
    origin: Origin,
    report: Arc<Mutex<Report>>,
    once: bool,
    cancel: CancellationToken,
}

impl Run {
    fn report(&self) -> std::sync::MutexGuard<'_, Report> {
        self.report.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Who this worker is in leases and claims: unique per run.
fn holder_id() -> String {
    let host = crate::service::host_name();
    let tag = uuid::Uuid::new_v4().simple().to_string();
    format!("{host}:{}:{}", std::process::id(), &tag[..8])
}

/// Runs the worker until `cancel` (or, `once`, until what was due at the start is done). On
/// cancel, the attempts in flight finish and are recorded first.
pub async fn run(
    db: Db,
    config: &Config,
    once: bool,
    cancel: CancellationToken,
) -> Result<Report, WorkerError> {
    let w = &config.worker;
    let h = &config.webhooks;
    let settings = Arc::new(delivery::Settings {
        schedule: h.schedule()?,
        max_retry_after: Duration::seconds(h.max_retry_after_seconds.max(0)),
        batch: w.batch_size.max(1),
        concurrency: w.concurrency.max(1),
        poll: StdDuration::from_millis(w.poll_ms.max(1)),
        lease: Duration::seconds(w.lease_seconds.max(1)),
    });
    let sender = Sender::new(
        StdDuration::from_millis(h.connect_timeout_ms.max(1)),
        StdDuration::from_millis(h.timeout_ms.max(1)),
        h.allow_private_addresses,
        settings.concurrency,
    )?;
    let run = Run {
        db: db.clone(),
        holder: holder_id(),
        origin: Origin::worker(),
        report: Arc::new(Mutex::new(Report::default())),
        once,
        cancel,
    };
    tracing::info!(
        holder = run.holder,
        once,
        backend = db.backend().as_str(),
        "worker started"
    );
    let jobs = tokio::spawn(jobs::run(
        run.clone(),
        StdDuration::from_secs(w.jobs_every_seconds.max(1)),
        settings.lease,
    ));
    let delivered = delivery::run(run.clone(), sender, settings).await;
    let _ = jobs.await;
    let report = run.report().clone();
    tracing::info!(holder = run.holder, ?report, "worker stopped");
    delivered?;
    Ok(report)
}

/// Runs the worker in this process (the TUI on the embedded demo) until `cancel`.
pub fn spawn(
    db: Db,
    config: &Config,
    cancel: CancellationToken,
) -> JoinHandle<Result<Report, WorkerError>> {
    let config = config.clone();
    tokio::spawn(async move {
        let result = run(db, &config, false, cancel).await;
        if let Err(e) = &result {
            tracing::error!(error = %e, "the in-process worker stopped");
        }
        result
    })
}
