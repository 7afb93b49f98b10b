//! Who the worker is: a staff member or a service account (`service::service_accounts`), whose
//! rights decide which jobs it runs. Each job needs the permission of what it changes, checked
//! when the worker starts and again by the service inside every change's transaction: a job
//! whose permission was taken away stops (the others go on), and a worker whose identity can
//! no longer act at all (deleted, no staff role left, its session ended) stops altogether.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::{Permission, UseCase};
use crate::service::{Actor, ServiceError, access};
use crate::store::Db;

/// One of the worker's jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Job {
    /// Webhook deliveries, and disabling an endpoint that answered 410 or kept failing.
    Deliveries,
    /// Escrows the client left unanswered after a delivery, released.
    AutoRelease,
    /// Back-office sessions past their expiry, ended.
    SessionExpiry,
    /// Tickets past their SLA, announced.
    SlaBreaches,
    /// Fraud flags computed for the referrals the platform recorded since the last run.
    ReferralFlags,
}

impl Job {
    pub const ALL: [Job; 5] = [
        Job::Deliveries,
        Job::AutoRelease,
        Job::SessionExpiry,
        Job::SlaBreaches,
        Job::ReferralFlags,
    ];

    /// The use case whose permission the job needs.
    pub fn use_case(self) -> UseCase {
        match self {
            Job::Deliveries => UseCase::WebhookManage,
            Job::AutoRelease => UseCase::EscrowRelease,
            Job::SessionExpiry => UseCase::SessionRevokeOthers,
            Job::SlaBreaches => UseCase::TicketAssign,
            Job::ReferralFlags => UseCase::ReferralCheck,
        }
    }

    /// The permission the job needs (`webhooks.manage`, `escrow.release`, ...).
    pub fn permission(self) -> Permission {
        match self {
            Job::Deliveries => Permission::WebhooksManage,
            Job::AutoRelease => Permission::EscrowRelease,
            Job::SessionExpiry => Permission::UsersManage,
            Job::SlaBreaches => Permission::TicketsAssign,
            Job::ReferralFlags => Permission::ReferralsManage,
        }
    }

    /// A stable name: the job's lease and its text key (`deliveries`, `auto_release`, ...).
    pub fn key(self) -> &'static str {
        match self {
            Job::Deliveries => "deliveries",
            Job::AutoRelease => "auto_release",
            Job::SessionExpiry => "session_expiry",
            Job::SlaBreaches => "sla_breaches",
            Job::ReferralFlags => "referral_flags",
        }
    }
}

/// A job refused: at the start (its permission missing) or during the run (taken away).
#[derive(Debug)]
pub struct Stop {
    pub job: Job,
    pub error: ServiceError,
}

type OnStop = Arc<dyn Fn(&Stop) + Send + Sync>;

/// The worker's identity as the database holds it when checked, and the jobs it may run.
#[derive(Clone)]
pub struct Identity {
    actor: Actor,
    jobs: Vec<Job>,
    refused: Vec<Job>,
    on_stop: OnStop,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("actor", &self.actor.email)
            .field("jobs", &self.jobs)
            .field("refused", &self.refused)
            .finish()
    }
}

impl Identity {
    /// Re-reads `actor` (its session, account and roles) and sorts the jobs into those its
    /// permissions allow and those they do not. Refused when it can no longer act at all.
    pub async fn check(db: &Db, actor: &Actor) -> Result<Identity, ServiceError> {
        let fresh = access::authorize(db, actor, UseCase::DataRead).await?;
        let (jobs, refused) = Job::ALL.iter().partition(|job| fresh.can(job.permission()));
        Ok(Identity {
            actor: fresh,
            jobs,
            refused,
            on_stop: Arc::new(|_| {}),
        })
    }

    /// Also tells `f` of each job stopped during the run (the log hears of it anyway).
    pub fn on_stop(mut self, f: impl Fn(&Stop) + Send + Sync + 'static) -> Identity {
        self.on_stop = Arc::new(f);
        self
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The jobs it may run, in [`Job::ALL`]'s order.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// The jobs its permissions do not allow.
    pub fn refused(&self) -> &[Job] {
        &self.refused
    }

    pub(super) fn tell(&self, stop: &Stop) {
        (self.on_stop)(stop);
    }
}

/// Whether `e` is a refusal of the identity's rights (rather than a failure to retry).
pub(super) fn is_refusal_of_rights(e: &ServiceError) -> bool {
    e.ends_session()
        || matches!(
            e,
            ServiceError::Forbidden { .. }
                | ServiceError::RoleRemoved { .. }
                | ServiceError::NotFound { what: "user", .. }
        )
}

/// Runs the worker inside another program (the demo's TUI, the SSH server) as the service
/// account `account`, until `cancel`; none (said in the log) when the database has no such
/// account or it may run none of the jobs.
pub fn in_process(
    db: Db,
    config: &Config,
    account: &'static str,
    cancel: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let config = config.clone();
    tokio::spawn(async move {
        let identity = match crate::service::service_accounts::find(&db, account).await {
            Ok(actor) => Identity::check(&db, &actor).await,
            Err(e) => Err(e),
        };
        let identity = match identity {
            Ok(identity) => identity,
            Err(e) => {
                tracing::warn!(account, error = %e, "the in-process worker does not run");
                return;
            }
        };
        if let Err(e) = super::run(db, &config, identity, false, cancel).await {
            tracing::error!(error = %e, "the in-process worker stopped");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_job_needs_the_permission_of_its_use_case() {
        for job in Job::ALL {
            assert_eq!(
                job.use_case().permission(),
                Some(job.permission()),
                "{job:?}"
            );
        }
    }
}
