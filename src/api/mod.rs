//! The partners' read API (axum): bearer tokens with abilities (`auth`), a rate per token
//! (`limit`), keyset pages (`page`), partner-safe shapes (`resources`), errors as problem+json
//! (`problem`), one log line per request (`log`). docs/API.md describes it for partners;
//! assets/openapi.json is its contract, served at `/api/v1/openapi.json`.
//!
//! It listens on the loopback by default. Another address is allowed, with a warning: the
//! server speaks plain HTTP, so anything beyond the loopback belongs behind a proxy that
//! terminates TLS. It serves as an [`Identity`] holding `api_tokens.manage`, re-read while it
//! runs (`identity`).

mod auth;
mod identity;
mod limit;
mod log;
mod page;
mod problem;
mod resources;
mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::store::Db;

pub use identity::{CHECK_EVERY, Identity, Lost};
pub use page::MAX_LIMIT;
pub use routes::OPENAPI;

/// What every request shares.
pub struct Api {
    db: Db,
    limiter: limit::Limiter,
    touches: auth::Touches,
    default_page: u64,
}

impl Api {
    pub fn new(db: Db, config: &Config) -> Api {
        Api {
            db,
            limiter: limit::Limiter::new(config.api.rate_per_second),
            touches: auth::Touches::default(),
            default_page: config.api.default_page.clamp(1, MAX_LIMIT),
        }
    }
}

/// Every route of the API, with its token check and request log.
pub fn router(api: Arc<Api>) -> Router {
    let reads = Router::new()
        .route("/api/v1/projects", get(routes::projects))
        .route("/api/v1/projects/{id}", get(routes::project))
        .route("/api/v1/commissions", get(routes::commissions))
        .route("/api/v1/escrows", get(routes::escrows))
        .route("/api/v1/tickets", get(routes::tickets))
        .route_layer(middleware::from_fn_with_state(
            api.clone(),
            auth::authenticate,
        ));
    Router::new()
        .route("/api/v1/openapi.json", get(routes::openapi))
        .merge(reads)
        .fallback(routes::no_route)
        .method_not_allowed_fallback(routes::read_only)
        .layer(middleware::from_fn(log::requests))
        .with_state(api)
}

/// Whether `addr` keeps the API on this machine.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// A bound, not yet running server (binding apart lets a caller listen on port 0 and learn
/// the port).
pub struct Server {
    listener: TcpListener,
    router: Router,
    db: Db,
    identity: Identity,
    lost: Lost,
}

impl Server {
    /// Binds `listen`, to serve as `identity`. A non-loopback address is allowed but warned
    /// about in the log (the CLI says so on stderr too).
    pub async fn bind(
        db: Db,
        config: &Config,
        listen: SocketAddr,
        identity: Identity,
    ) -> std::io::Result<Server> {
        if !is_loopback(&listen) {
            tracing::warn!(
                target: "obryl::api",
                %listen,
                "listening beyond the loopback: terminate TLS in front of this server"
            );
        }
        let listener = TcpListener::bind(listen).await?;
        let router = router(Arc::new(Api::new(db.clone(), config)));
        Ok(Server {
            listener,
            router,
            db,
            identity,
            lost: Lost::default(),
        })
    }

    /// Why the server stopped on its own (its identity may serve no longer), once it has.
    pub fn lost(&self) -> Lost {
        self.lost.clone()
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes or the identity may serve no longer (see
    /// [`Server::lost`]), then finishes the requests in flight.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let addr = self.local_addr()?;
        tracing::info!(
            target: "obryl::api",
            %addr,
            identity = self.identity.actor().email,
            "partners' API listening"
        );
        let (stop, done) = (CancellationToken::new(), CancellationToken::new());
        tokio::spawn(identity::watch(
            self.db.clone(),
            self.identity.clone(),
            self.lost.clone(),
            stop.clone(),
            done.clone(),
        ));
        let served = axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async move {
                tokio::select! {
                    _ = shutdown => {}
                    _ = stop.cancelled() => {}
                }
            })
            .await;
        done.cancel();
        served?;
        tracing::info!(target: "obryl::api", %addr, "partners' API stopped");
        Ok(())
    }
}

/// Binds `listen` and serves the API on `db` as `identity` until `shutdown` completes (or the
/// identity may serve no longer).
pub async fn serve(
    db: Db,
    config: &Config,
    listen: SocketAddr,
    identity: Identity,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    Server::bind(db, config, listen, identity)
        .await?
        .run(shutdown)
        .await
}
