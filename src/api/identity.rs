//! Who serves the API: a staff member or a service account holding `api_tokens.manage` (the
//! authority over what partners are given). Checked when the server starts, then re-read
//! every [`CHECK_EVERY`] while it serves: an identity that lost the permission, was deleted or
//! whose session ended stops the server (the requests in flight are answered), and the reason
//! is kept for whoever started it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::domain::UseCase;
use crate::service::{Actor, ServiceError, access};
use crate::store::Db;

/// How often the identity's rights are re-read while the server runs.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);

/// The use case serving the API needs (`api_tokens.manage`).
pub const USE_CASE: UseCase = UseCase::TokenManage;

/// An identity allowed to serve the API when it was checked.
#[derive(Clone, Debug)]
pub struct Identity {
    actor: Actor,
}

impl Identity {
    /// Re-reads `actor` and refuses, naming the permission, when it may not serve the API.
    pub async fn check(db: &Db, actor: &Actor) -> Result<Identity, ServiceError> {
        let actor = access::authorize(db, actor, USE_CASE).await?;
        Ok(Identity { actor })
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }
}

/// Why the server stopped on its own, once it has.
#[derive(Clone, Default)]
pub struct Lost(Arc<Mutex<Option<ServiceError>>>);

impl Lost {
    /// The refusal that stopped the server, if one did (taken: asked once).
    pub fn take(&self) -> Option<ServiceError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    fn set(&self, e: ServiceError) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
    }
}

/// Whether `e` refuses the identity (rather than a failure to read, tried again next time).
fn refuses(e: &ServiceError) -> bool {
    e.ends_session()
        || matches!(
            e,
            ServiceError::Forbidden { .. }
                | ServiceError::RoleRemoved { .. }
                | ServiceError::NotFound { what: "user", .. }
        )
}

/// Re-reads the identity until `done`; cancels `stop` (and keeps the reason in `lost`) when
/// it may serve no longer.
pub(super) async fn watch(
    db: Db,
    identity: Identity,
    lost: Lost,
    stop: CancellationToken,
    done: CancellationToken,
) {
    let mut every = tokio::time::interval(CHECK_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = done.cancelled() => return,
        }
        match access::authorize(&db, &identity.actor, USE_CASE).await {
            Ok(_) => {}
            Err(e) if refuses(&e) => {
                tracing::error!(
                    target: "obryl::api",
                    identity = identity.actor.email,
                    error = %e,
                    "the API server's identity may no longer serve: stopping"
                );
                lost.set(e);
                stop.cancel();
                return;
            }
            Err(e) => {
                tracing::warn!(target: "obryl::api", error = %e, "cannot re-read the server's identity");
            }
        }
    }
}
