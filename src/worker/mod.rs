//! Background jobs: webhook delivery, escrow auto-release, expiry of remembered logins,
//! SLA-breach notifications, fraud flags of new referrals. `obryl worker` runs them as a process of its own (`--once`: what
//! is due, then exit); the TUI runs them in-process on the embedded demo ([`spawn`]).
//!
//! Several workers share one PostgreSQL database: deliveries are claimed with `FOR UPDATE
//! SKIP LOCKED` and leased, so no attempt is sent by two of them; on SQLite the worker that
//! holds the `webhooks` lease delivers. The scheduled jobs run under the `jobs` lease on both.
//! Delivery bookkeeping (claims, outcomes) is written through `store::deliveries`; what is
//! audited (an endpoint disabled, an escrow released, a session ended, a breach announced)
//! goes through the services, as the worker's [`Identity`]: a staff member or a service
//! account, whose current rights decide which jobs run (`identity.rs`).

mod delivery;
mod http;
mod identity;
mod jobs;

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::webhook::ScheduleError;
use crate::service::{Origin, ServiceError};
use crate::store::{Db, StoreError};

pub use http::{EXCERPT_BYTES, Sender, Sent};
pub use identity::{Identity, Job, Stop, in_process};

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
    /// Referrals whose fraud flags were computed.
    pub referrals_checked: u64,
    /// SQLite: another worker holds the delivery lease, so this one delivered nothing.
    pub lease_busy: bool,
    /// Failures logged and survived (a write retried in vain, a job that failed).
    pub errors: u64,
    /// Jobs stopped during the run because the identity lost their permission.
    pub jobs_stopped: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("webhooks.retry_schedule: {0}")]
    Schedule(#[from] ScheduleError),
    #[error("{0}")]
    Client(#[from] http::ClientError),
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The identity may run none of the jobs (each refused names its permission).
    #[error("the worker's identity may run none of its jobs")]
    NoJob { refused: Vec<Job> },
    /// The identity can no longer act at all (deleted, no staff role, its session ended).
    #[error("{0}")]
    Identity(ServiceError),
}

/// What every part of a run shares.
#[derive(Clone)]
struct Run {
    db: Db,
    /// Who this worker is in leases and claims.
    holder: String,
    origin: Origin,
    /// Who it acts as, and the jobs still running.
    identity: Identity,
    running: Arc<Mutex<Vec<Job>>>,
    /// Why the identity stopped being able to act, if it did.
    lost: Arc<Mutex<Option<ServiceError>>>,
    report: Arc<Mutex<Report>>,
    once: bool,
    cancel: CancellationToken,
}

impl Run {
    fn report(&self) -> std::sync::MutexGuard<'_, Report> {
        self.report.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `job` still runs.
    fn runs(&self, job: Job) -> bool {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&job)
    }

    /// `job` failed with `e`: a refusal of the identity's rights stops the job (and the whole
    /// worker when the identity can no longer act, or no job is left); anything else is
    /// counted and the job goes on.
    async fn failed(&self, job: Job, e: ServiceError) {
        if !identity::is_refusal_of_rights(&e) {
            tracing::warn!(job = job.key(), error = %e, "a worker job failed");
            self.report().errors += 1;
            return;
        }
        tracing::error!(
            job = job.key(),
            permission = job.permission().as_str(),
            error = %e,
            "the worker's identity may no longer run this job: it stops"
        );
        let left = {
            let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
            running.retain(|j| *j != job);
            running.len()
        };
        self.report().jobs_stopped += 1;
        self.identity.tell(&Stop { job, error: e });
        let gone = crate::service::access::current(&mut self.db.clone(), self.identity.actor())
            .await
            .err()
            .filter(identity::is_refusal_of_rights);
        if let Some(gone) = gone {
            tracing::error!(error = %gone, "the worker's identity can no longer act: it stops");
            *self.lost.lock().unwrap_or_else(|e| e.into_inner()) = Some(gone);
            self.cancel.cancel();
        } else if left == 0 {
            self.cancel.cancel();
        }
    }
}

/// Who this worker is in leases and claims: unique per run.
fn holder_id() -> String {
    let host = crate::service::host_name();
    let tag = uuid::Uuid::new_v4().simple().to_string();
    format!("{host}:{}:{}", std::process::id(), &tag[..8])
}

/// Runs the worker as `identity` until `cancel` (or, `once`, until what was due at the start
/// is done), running the jobs the identity may run. On cancel, the attempts in flight finish
/// and are recorded first. Stops early, with [`WorkerError::Identity`], when the identity can
/// no longer act.
pub async fn run(
    db: Db,
    config: &Config,
    identity: Identity,
    once: bool,
    cancel: CancellationToken,
) -> Result<Report, WorkerError> {
    if identity.jobs().is_empty() {
        return Err(WorkerError::NoJob {
            refused: identity.refused().to_vec(),
        });
    }
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
        running: Arc::new(Mutex::new(identity.jobs().to_vec())),
        identity,
        lost: Arc::new(Mutex::new(None)),
        report: Arc::new(Mutex::new(Report::default())),
        once,
        // Its own: a worker that stops for its identity stops nothing of its caller's.
        cancel: cancel.child_token(),
    };
    tracing::info!(
        holder = run.holder,
        once,
        backend = db.backend().as_str(),
        identity = run.identity.actor().email,
        jobs = ?run.identity.jobs(),
        not_allowed = ?run.identity.refused(),
        "worker started"
    );
    let jobs = tokio::spawn(jobs::run(
        run.clone(),
        StdDuration::from_secs(w.jobs_every_seconds.max(1)),
        settings.lease,
    ));
    let delivered = if run.runs(Job::Deliveries) {
        delivery::run(run.clone(), sender, settings).await
    } else {
        Ok(())
    };
    let _ = jobs.await;
    let report = run.report().clone();
    tracing::info!(holder = run.holder, ?report, "worker stopped");
    if let Some(e) = run.lost.lock().unwrap_or_else(|e| e.into_inner()).take() {
        return Err(WorkerError::Identity(e));
    }
    delivered?;
    Ok(report)
}

/// Runs the worker as `identity` in this process (the TUI on the embedded demo) until
/// `cancel`.
pub fn spawn(
    db: Db,
    config: &Config,
    identity: Identity,
    cancel: CancellationToken,
) -> JoinHandle<Result<Report, WorkerError>> {
    let config = config.clone();
    tokio::spawn(async move {
        let result = run(db, &config, identity, false, cancel).await;
        if let Err(e) = &result {
            tracing::error!(error = %e, "the in-process worker stopped");
        }
        result
    })
}
