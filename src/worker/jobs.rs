//! The scheduled jobs, every `jobs_every_seconds`, each under a lease of its own (one worker
//! runs a job at a time, on either backend, so workers with different rights share the work):
//! escrow auto-release, sessions ended at their expiry, SLA breaches announced, fraud flags of
//! the referrals the platform recorded since the last run. Each is the
//! service's, as the worker's identity, and runs only while that identity holds its permission.

use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::service;
use crate::store::leases;

use super::{Job, Run};

/// The scheduled jobs, in the order they run.
const SCHEDULED: [Job; 4] = [
    Job::AutoRelease,
    Job::SessionExpiry,
    Job::SlaBreaches,
    Job::ReferralFlags,
];

fn lease(job: Job) -> String {
    format!("jobs:{}", job.key())
}

pub(super) async fn run(run: Run, every: StdDuration, lease_length: Duration) {
    let every_chrono = Duration::from_std(every).unwrap_or(Duration::seconds(60));
    // Held for the interval: whoever ran last keeps the turn, another takes it if it stops.
    let hold = if run.once {
        lease_length
    } else {
        lease_length.max(every_chrono)
    };
    let mut held: Vec<Job> = Vec::new();
    loop {
        if run.cancel.is_cancelled() {
            break;
        }
        recheck(&run).await;
        for job in SCHEDULED {
            if !run.runs(job) || run.cancel.is_cancelled() {
                continue;
            }
            let now = service::now();
            match leases::take(&run.db, &lease(job), &run.holder, now, now + hold).await {
                Ok(true) => {
                    if !held.contains(&job) {
                        held.push(job);
                    }
                    run_job(&run, job).await;
                }
                Ok(false) => {
                    held.retain(|j| *j != job);
                    tracing::debug!(job = job.key(), "another worker runs this job");
                }
                Err(e) => {
                    tracing::warn!(job = job.key(), error = %e, "cannot take the job's lease");
                    run.report().errors += 1;
                }
            }
        }
        if run.once {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = run.cancel.cancelled() => break,
        }
    }
    for job in held {
        let _ = leases::release(&run.db, &lease(job), &run.holder).await;
    }
}

/// Every job still running, deliveries included (which otherwise check only when something is
/// due), is re-read against the identity's rights now: one taken away stops at this turn.
async fn recheck(run: &Run) {
    for job in super::Job::ALL {
        if !run.runs(job) {
            continue;
        }
        let allowed = service::access::authorize(&run.db, run.identity.actor(), job.use_case());
        if let Err(e) = allowed.await {
            run.failed(job, e).await;
        }
    }
}

async fn run_job(run: &Run, job: Job) {
    let (db, origin, actor) = (&run.db, &run.origin, run.identity.actor());
    let done = match job {
        Job::AutoRelease => service::escrow::auto_release_due(db, actor, origin)
            .await
            .map(|done| done.len()),
        Job::SessionExpiry => service::jobs::end_expired_sessions(db, actor, origin).await,
        Job::SlaBreaches => service::jobs::announce_breaches(db, actor, origin).await,
        Job::ReferralFlags => service::referral_flags::check(db, actor, origin, false)
            .await
            .map(|r| r.checked as usize),
        Job::Deliveries => return,
    };
    match done {
        Ok(n) => {
            let mut r = run.report();
            let n = n as u64;
            match job {
                Job::AutoRelease => r.escrows_released += n,
                Job::SessionExpiry => r.sessions_ended += n,
                Job::SlaBreaches => r.breaches_announced += n,
                Job::ReferralFlags => r.referrals_checked += n,
                Job::Deliveries => {}
            }
        }
        Err(e) => run.failed(job, e).await,
    }
}
