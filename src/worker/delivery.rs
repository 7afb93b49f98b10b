//! The delivery pipeline: claim due attempts in batches, send up to `concurrency` at once,
//! decide what follows each (done, retry per the schedule and `Retry-After`, give up), and
//! record the outcomes in batches; endpoints that answered 410 or failed for the whole
//! schedule are disabled through the service (audited, managers notified).

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use crate::domain::webhook::{RetrySchedule, jittered, next_delay, retry_after};
use crate::service;
use crate::service::webhooks::Cause;
use crate::store::deliveries::{self, Claimed, Outcome, Then};
use crate::store::{Backend, Db, StoreError, leases};

use super::http::{Sender, Sent};
use super::{Job, Run};

/// The lease a SQLite database's one delivering worker holds.
const LEASE: &str = "webhooks";
/// Outcomes written per transaction at most.
const RECORD_BATCH: usize = 500;

/// What the pipeline needs from the configuration.
pub(super) struct Settings {
    pub schedule: RetrySchedule,
    pub max_retry_after: Duration,
    pub batch: usize,
    pub concurrency: usize,
    pub poll: StdDuration,
    pub lease: Duration,
}

/// An outcome, and the endpoint decision it calls for.
struct Decided {
    outcome: Outcome,
    disable: Option<Cause>,
}

/// What follows attempt `c` that got `sent` at `now`.
fn decide(c: &Claimed, sent: Sent, s: &Settings, attempted_at: DateTime<Utc>) -> Decided {
    let now = service::now();
    let (then, disable) = match sent.status {
        Some(code) if (200..300).contains(&code) => (Then::Done, None),
        Some(410) => (Then::GiveUp, Some(Cause::Gone)),
        _ => match s.schedule.after(c.attempt) {
            Some(delay) => {
                let asked = sent
                    .retry_after
                    .as_deref()
                    .and_then(|v| retry_after(v, now));
                let wait = next_delay(
                    jittered(delay, rand::rng().random::<f64>()),
                    asked,
                    s.max_retry_after,
                );
                (Then::RetryAt(now + wait), None)
            }
            None => (Then::GiveUp, Some(Cause::Failing)),
        },
    };
    Decided {
        outcome: Outcome {
            delivery_id: c.id,
            event_row_id: c.webhook_event_id,
            endpoint_id: c.endpoint_id,
            attempt: c.attempt,
            attempted_at,
            response_status: sent.status.map(i64::from),
            latency_ms: sent.latency_ms,
            error: sent.error,
            excerpt: sent.excerpt,
            then,
        },
        disable,
    }
}

/// The SQLite lease, renewed while held.
struct Lease {
    held_until: Option<DateTime<Utc>>,
    next_try: Instant,
}

impl Lease {
    async fn hold(&mut self, db: &Db, holder: &str, length: Duration) -> bool {
        let now = service::now();
        if self
            .held_until
            .is_some_and(|until| until - now > length / 2)
        {
            return true;
        }
        if self.held_until.is_none() && Instant::now() < self.next_try {
            return false;
        }
        match leases::take(db, LEASE, holder, now, now + length).await {
            Ok(true) => {
                if self.held_until.is_none() {
                    tracing::info!(holder, "webhook delivery lease taken");
                }
                self.held_until = Some(now + length);
                true
            }
            Ok(false) => {
                self.held_until = None;
                self.next_try = Instant::now() + StdDuration::from_secs(2);
                false
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot take the webhook delivery lease");
                self.held_until = None;
                self.next_try = Instant::now() + StdDuration::from_secs(2);
                false
            }
        }
    }
}

async fn pause(cancel: &CancellationToken, d: StdDuration) {
    tokio::select! {
        _ = tokio::time::sleep(d) => {}
        _ = cancel.cancelled() => {}
    }
}

/// Delivers until cancelled (or, once, until nothing due at the start is left), then waits
/// for the attempts in flight and records them.
pub(super) async fn run(
    run: Run,
    sender: Sender,
    settings: Arc<Settings>,
) -> Result<(), StoreError> {
    let Run {
        db,
        holder,
        once,
        cancel,
        ..
    } = run.clone();
    let concurrency = settings.concurrency.max(1);
    let permits = Arc::new(Semaphore::new(concurrency));
    let (out, outcomes) = mpsc::channel::<Decided>(concurrency + settings.batch);
    let recorder = tokio::spawn(record_loop(run.clone(), outcomes));
    let started = service::now();
    let sqlite = db.backend() == Backend::Sqlite;
    let mut lease = Lease {
        held_until: None,
        next_try: Instant::now(),
    };
    let mut failure = None;
    loop {
        if cancel.is_cancelled() || !run.runs(Job::Deliveries) {
            break;
        }
        if sqlite && !lease.hold(&db, &holder, settings.lease).await {
            if once {
                run.report().lease_busy = true;
                break;
            }
            pause(&cancel, settings.poll.max(StdDuration::from_millis(500))).await;
            continue;
        }
        let first = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = cancel.cancelled() => break,
        };
        if sqlite && !once {
            // Claiming takes SQLite's write lock: look first, with a read.
            match deliveries::next_due(&mut db.clone()).await {
                Ok(Some(at)) if at <= service::now() => {}
                Ok(next) => {
                    drop(first);
                    let wait = next
                        .and_then(|at| (at - service::now()).to_std().ok())
                        .map_or(settings.poll, |w| w.min(settings.poll));
                    pause(&cancel, wait).await;
                    continue;
                }
                Err(e) => {
                    drop(first);
                    tracing::warn!(error = %e, "cannot read the delivery queue");
                    pause(&cancel, StdDuration::from_secs(1)).await;
                    continue;
                }
            }
        }
        // Sending is the work of someone who manages webhooks, now.
        let identity = run.identity.actor();
        if let Err(e) = service::access::authorize(&db, identity, Job::Deliveries.use_case()).await
        {
            drop(first);
            run.failed(Job::Deliveries, e).await;
            if once {
                break;
            }
            pause(&cancel, StdDuration::from_secs(1)).await;
            continue;
        }
        let n = (permits.available_permits() + 1).min(settings.batch.max(1));
        let now = service::now();
        let due_by = if once { started } else { now };
        let claimed = match deliveries::claim(
            &db,
            &holder,
            due_by,
            now,
            now + settings.lease,
            n as i64,
        )
        .await
        {
            Ok(c) => c,
            Err(e) => {
                drop(first);
                tracing::warn!(error = %e, "cannot claim deliveries");
                if once {
                    failure = Some(e);
                    break;
                }
                pause(&cancel, StdDuration::from_secs(1)).await;
                continue;
            }
        };
        if claimed.is_empty() {
            drop(first);
            if once {
                break;
            }
            pause(&cancel, settings.poll).await;
            continue;
        }
        let mut first = Some(first);
        for c in claimed {
            let permit = match first.take() {
                Some(p) => p,
                None => match permits.clone().try_acquire_owned() {
                    Ok(p) => p,
                    Err(_) => match permits.clone().acquire_owned().await {
                        Ok(p) => p,
                        Err(_) => break,
                    },
                },
            };
            spawn_send(c, sender.clone(), settings.clone(), out.clone(), permit);
        }
    }
    // The attempts in flight finish and are recorded before the worker stops.
    let _all = permits.acquire_many(concurrency as u32).await;
    drop(out);
    let _ = recorder.await;
    if sqlite && lease.held_until.is_some() {
        let _ = leases::release(&db, LEASE, &holder).await;
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn spawn_send(
    c: Claimed,
    sender: Sender,
    settings: Arc<Settings>,
    out: mpsc::Sender<Decided>,
    permit: OwnedSemaphorePermit,
) {
    tokio::spawn(async move {
        let at = service::now();
        let sent = sender.send(&c, at).await;
        let decided = decide(&c, sent, &settings, at);
        let _ = out.send(decided).await;
        drop(permit);
    });
}

/// Writes outcomes as they come, as many per transaction as have arrived.
async fn record_loop(run: Run, mut outcomes: mpsc::Receiver<Decided>) {
    let mut batch = Vec::new();
    while let Some(first) = outcomes.recv().await {
        batch.push(first);
        while batch.len() < RECORD_BATCH {
            match outcomes.try_recv() {
                Ok(d) => batch.push(d),
                Err(_) => break,
            }
        }
        write(&run, &batch).await;
        batch.clear();
    }
}

async fn write(run: &Run, batch: &[Decided]) {
    let (db, holder) = (&run.db, run.holder.as_str());
    let outcomes: Vec<Outcome> = batch.iter().map(|d| d.outcome.clone()).collect();
    let mut recorded = None;
    for attempt in 0..5u32 {
        let result = async {
            let mut tx = db.begin().await?;
            let r = deliveries::record(&mut tx, holder, &outcomes, service::now()).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(r)
        }
        .await;
        match result {
            Ok(r) => {
                recorded = Some(r);
                break;
            }
            Err(e) => {
                tracing::warn!(error = %e, attempt, "cannot record delivery outcomes");
                tokio::time::sleep(StdDuration::from_millis(200 << attempt)).await;
            }
        }
    }
    let Some(recorded) = recorded else {
        // Their leases end and they are sent again: at least once, never lost.
        tracing::error!(n = batch.len(), "delivery outcomes not recorded");
        run.report().errors += 1;
        return;
    };
    let mut disable = Vec::new();
    {
        let mut r = run.report();
        for (d, ok) in batch.iter().zip(recorded) {
            if !ok {
                continue;
            }
            let o = &d.outcome;
            match o.then {
                Then::Done => r.succeeded += 1,
                Then::RetryAt(_) => r.failed += 1,
                Then::GiveUp => r.gave_up += 1,
            }
            if o.then != Then::Done {
                tracing::info!(
                    delivery = o.delivery_id,
                    endpoint = o.endpoint_id,
                    attempt = o.attempt,
                    status = o.response_status,
                    error = o.error.as_deref().unwrap_or(""),
                    "webhook attempt failed"
                );
            }
            if let Some(cause) = d.disable
                && !disable.contains(&(o.endpoint_id, cause))
            {
                disable.push((o.endpoint_id, cause));
            }
        }
    }
    for (endpoint, cause) in disable {
        let identity = run.identity.actor();
        match service::webhooks::disable_failing(db, identity, &run.origin, endpoint, cause).await {
            Ok(true) => {
                tracing::warn!(endpoint, reason = cause.code(), "webhook endpoint disabled");
                run.report().endpoints_disabled += 1;
            }
            Ok(false) => {}
            Err(e) => run.failed(Job::Deliveries, e).await,
        }
    }
}
