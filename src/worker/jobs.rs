//! The scheduled jobs, every `jobs_every_seconds` under the `jobs` lease (one worker runs
//! them at a time, on either backend): escrow auto-release, sessions ended at their expiry,
//! SLA breaches announced. Each is the service's, as the system.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Duration;
use tokio_util::sync::CancellationToken;

use crate::service::{self, Origin};
use crate::store::{Db, leases};

use super::Report;

const LEASE: &str = "jobs";

pub(super) async fn run(
    db: Db,
    origin: Origin,
    holder: String,
    every: StdDuration,
    lease: Duration,
    report: Arc<Mutex<Report>>,
    once: bool,
    cancel: CancellationToken,
) {
    let every_chrono = Duration::from_std(every).unwrap_or(Duration::seconds(60));
    // Held for the interval: whoever ran last keeps the turn, another takes it if it stops.
    let hold = if once { lease } else { lease.max(every_chrono) };
    let mut held = false;
    loop {
        if cancel.is_cancelled() {
            break;
        }
        let now = service::now();
        match leases::take(&db, LEASE, &holder, now, now + hold).await {
            Ok(true) => {
                held = true;
                run_once(&db, &origin, &report).await;
            }
            Ok(false) => {
                held = false;
                tracing::debug!("another worker runs the scheduled jobs");
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot take the jobs lease");
                report.lock().unwrap_or_else(|e| e.into_inner()).errors += 1;
            }
        }
        if once {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = cancel.cancelled() => break,
        }
    }
    if held {
        let _ = leases::release(&db, LEASE, &holder).await;
    }
}

async fn run_once(db: &Db, origin: &Origin, report: &Mutex<Report>) {
    let released = service::escrow::auto_release_due(db, origin).await;
    let ended = service::jobs::end_expired_sessions(db, origin).await;
    let announced = service::jobs::announce_breaches(db, origin).await;
    let mut r = report.lock().unwrap_or_else(|e| e.into_inner());
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
