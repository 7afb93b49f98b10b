//! The scheduled jobs, every `jobs_every_seconds` under the `jobs` lease (one worker runs
//! them at a time, on either backend): escrow auto-release, sessions ended at their expiry,
//! SLA breaches announced. Each is the service's, as the system.

use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::service;
use crate::store::leases;

use super::Run;

const LEASE: &str = "jobs";

pub(super) async fn run(run: Run, every: StdDuration, lease: Duration) {
    let every_chrono = Duration::from_std(every).unwrap_or(Duration::seconds(60));
    // Held for the interval: whoever ran last keeps the turn, another takes it if it stops.
    let hold = if run.once {
        lease
    } else {
        lease.max(every_chrono)
    };
    let mut held = false;
    loop {
        if run.cancel.is_cancelled() {
            break;
        }
        let now = service::now();
        match leases::take(&run.db, LEASE, &run.holder, now, now + hold).await {
            Ok(true) => {
                held = true;
                run_once(&run).await;
            }
            Ok(false) => {
                held = false;
                tracing::debug!("another worker runs the scheduled jobs");
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot take the jobs lease");
                run.report().errors += 1;
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
    if held {
        let _ = leases::release(&run.db, LEASE, &run.holder).await;
    }
}

async fn run_once(run: &Run) {
    let (db, origin) = (&run.db, &run.origin);
    let released = service::escrow::auto_release_due(db, origin).await;
    let ended = service::jobs::end_expired_sessions(db, origin).await;
    let announced = service::jobs::announce_breaches(db, origin).await;
    let mut r = run.report();
    match released {
        Ok(done) => r.escrows_released += done.len() as u64,
        Err(e) => {
            tracing::warn!(error = %e, "escrow auto-release failed");
            r.errors += 1;
        }
    }
    match ended {
        Ok(n) => r.sessions_ended += n as u64,
        Err(e) => {
            tracing::warn!(error = %e, "ending expired sessions failed");
            r.errors += 1;
        }
    }
    match announced {
        Ok(n) => r.breaches_announced += n as u64,
        Err(e) => {
            tracing::warn!(error = %e, "announcing SLA breaches failed");
            r.errors += 1;
        }
    }
}
