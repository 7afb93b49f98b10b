//! The SSH server: one listener, one database pool, one change feed (and, on the demo, one
//! worker) for every connection; a per-address connection rate, a cap on sessions per staff
//! member and in all, a watchdog that closes connections that never open the back-office,
//! and a stop that tells every session and waits for them to close.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use russh::keys::PrivateKey;
use russh::{MethodKind, MethodSet};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::service::{Origin, ssh_login};
use crate::store::{Db, feed};
use crate::ui::options::AppOptions;

use super::handler::Connection;

/// How long a connection may take from its first byte to the back-office's screen.
const LOGIN_GRACE: Duration = Duration::from_secs(30);
/// How long sessions get to say goodbye when the server stops.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// What every connection shares.
pub struct Shared {
    pub db: Db,
    pub config: Config,
    /// The App options every session starts from (its language is the staff member's).
    pub opts: AppOptions,
    pub hub: feed::Hub,
    /// Cancelled when the server stops: every session says so and closes.
    pub stopping: CancellationToken,
    pub slots: Arc<Slots>,
}

/// Open sessions, per staff member and in all.
pub struct Slots {
    per_user: usize,
    total: usize,
    open: Mutex<HashMap<i64, usize>>,
}

/// A session's place, given back when dropped.
pub struct Slot {
    slots: Arc<Slots>,
    user: i64,
}

/// Why no place was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Full {
    PerUser(usize),
    Total(usize),
}

impl Full {
    pub fn reason(self) -> &'static str {
        match self {
            Full::PerUser(_) => "sessions_per_user",
            Full::Total(_) => "sessions_total",
        }
    }
    pub fn message_key(self) -> &'static str {
        match self {
            Full::PerUser(_) => "ssh.full_user",
            Full::Total(_) => "ssh.full_server",
        }
    }
    pub fn limit(self) -> usize {
        match self {
            Full::PerUser(n) | Full::Total(n) => n,
        }
    }
}

impl Slots {
    pub fn new(per_user: usize, total: usize) -> Arc<Slots> {
        Arc::new(Slots {
            per_user: per_user.max(1),
            total: total.max(1),
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A place for one more session of `user`, if both caps allow it.
    pub fn take(self: &Arc<Slots>, user: i64) -> Result<Slot, Full> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.values().sum::<usize>() >= self.total {
            return Err(Full::Total(self.total));
        }
        let mine = open.entry(user).or_insert(0);
        if *mine >= self.per_user {
            return Err(Full::PerUser(self.per_user));
        }
        *mine += 1;
        Ok(Slot {
            slots: self.clone(),
            user,
        })
    }

    /// Sessions open now.
    pub fn open(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .sum()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.user);
            }
        }
    }
}

/// The back-office over SSH, apart from any listener: the shared pool, feed and limits, and
/// the SSH configuration every connection is served with.
pub struct Service {
    shared: Arc<Shared>,
    russh: Arc<russh::server::Config>,
    feed_stop: CancellationToken,
}

impl Service {
    /// Starts the feed on `db` and prepares the sessions' options, with `host_key`.
    pub async fn start(db: Db, config: &Config, host_key: PrivateKey) -> Service {
        let feed_stop = CancellationToken::new();
        let poll = Duration::from_millis(config.live.poll_ms.max(50));
        let hub = feed::Hub::start(db.clone(), feed_stop.clone(), poll).await;
        let mut opts = AppOptions::from_config(config, None, &db);
        // A file written on the server is out of the client's reach: no CSV exports here.
        opts.exports_dir = None;
        let ssh = &config.ssh;
        let shared = Arc::new(Shared {
            db,
            config: config.clone(),
            opts,
            hub,
            stopping: CancellationToken::new(),
            slots: Slots::new(ssh.max_sessions_per_user, ssh.max_sessions),
        });
        let idle = Duration::from_secs(ssh.idle_seconds.max(1));
        let russh = russh::server::Config {
            methods: MethodSet::from(&[MethodKind::PublicKey][..]),
            keys: vec![host_key],
            auth_rejection_time: Duration::from_millis(300),
            auth_rejection_time_initial: Some(Duration::ZERO),
            max_auth_attempts: 6,
            // The App's idle timeout decides first; this only reaps dead connections.
            inactivity_timeout: Some(idle + Duration::from_secs(120)),
            keepalive_interval: Some(Duration::from_secs(30)),
            nodelay: true,
            ..Default::default()
        };
        Service {
            shared,
            russh: Arc::new(russh),
            feed_stop,
        }
    }

    /// Sessions open now, by staff member.
    pub fn sessions(&self) -> Arc<Slots> {
        self.shared.slots.clone()
    }

    /// Serves one connection on `stream` (a socket, or any byte stream: the tests use an
    /// in-memory one) coming from `peer`, until it closes.
    pub fn connection<S>(&self, stream: S, peer: SocketAddr) -> impl Future<Output = ()> + use<S>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        serve_connection(self.shared.clone(), self.russh.clone(), stream, peer)
    }

    /// Tells every session the server is stopping (each says so and closes).
    pub fn stop(&self) {
        self.shared.stopping.cancel();
    }

    /// Stops the change feed, once the sessions are gone.
    pub fn finish(&self) {
        self.shared.stopping.cancel();
        self.feed_stop.cancel();
    }
}

/// [`Service`] on a TCP listener, with a connection rate per client address.
pub struct Server {
    listener: TcpListener,
    service: Service,
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl Server {
    /// Listens on `addr` with `host_key`; the feed starts now.
    pub async fn bind(
        db: Db,
        config: &Config,
        addr: SocketAddr,
        host_key: PrivateKey,
    ) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr).await?;
        let service = Service::start(db, config, host_key).await;
        let per_minute =
            NonZeroU32::new(config.ssh.connections_per_minute.max(1)).expect("at least one");
        Ok(Server {
            listener,
            service,
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Sessions open now.
    pub fn sessions(&self) -> Arc<Slots> {
        self.service.sessions()
    }

    /// Serves until `stop` completes, then tells every session, waits for them (bounded) and
    /// stops the feed.
    pub async fn run(self, stop: impl Future<Output = ()>) -> std::io::Result<()> {
        tokio::pin!(stop);
        let mut connections = JoinSet::new();
        let mut dropped_said: HashMap<IpAddr, Instant> = HashMap::new();
        loop {
            tokio::select! {
                _ = &mut stop => break,
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
                accepted = self.listener.accept() => {
                    let (stream, peer) = match accepted {
                        Ok(pair) => pair,
                        Err(e) => {
                            tracing::warn!("accepting an SSH connection: {e}");
                            continue;
                        }
                    };
                    if self.limiter.check_key(&peer.ip()).is_err() {
                        self.dropped(peer, &mut dropped_said).await;
                        continue;
                    }
                    connections.spawn(self.service.connection(stream, peer));
                }
            }
        }
        self.service.stop();
        let _ = tokio::time::timeout(STOP_GRACE, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        connections.abort_all();
        self.service.finish();
        Ok(())
    }

    /// A connection over its address's rate: dropped, and recorded once a minute per address.
    async fn dropped(&self, peer: SocketAddr, said: &mut HashMap<IpAddr, Instant>) {
        let now = Instant::now();
        said.retain(|_, at| now.duration_since(*at) < Duration::from_secs(60));
        if said.insert(peer.ip(), now).is_none() {
            let origin = Origin::connection("ssh", peer);
            let db = &self.service.shared.db;
            if let Err(e) = ssh_login::dropped(db, &origin, "rate_limited").await {
                tracing::warn!("recording a dropped SSH connection: {e}");
            }
        }
    }
}

async fn serve_connection<S>(
    shared: Arc<Shared>,
    russh: Arc<russh::server::Config>,
    stream: S,
    peer: SocketAddr,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let stopping = shared.stopping.clone();
    let handler = Connection::new(shared, peer);
    let started = handler.started.clone();
    let running = match russh::server::run_stream(russh, stream, handler).await {
        Ok(running) => running,
        Err(e) => {
            tracing::debug!(%peer, "SSH handshake failed: {e}");
            return;
        }
    };
    let handle = running.handle();
    tokio::pin!(running);
    let bye = |why: &'static str| {
        let handle = handle.clone();
        async move {
            let _ = handle
                .disconnect(russh::Disconnect::ByApplication, why.into(), "en".into())
                .await;
        }
    };
    tokio::select! {
        _ = &mut running => return,
        _ = tokio::time::sleep(LOGIN_GRACE) => {
            if !started.load(Ordering::SeqCst) {
                bye("no back-office session was opened in time").await;
            }
        }
        _ = stopping.cancelled() => {}
    }
    tokio::select! {
        _ = &mut running => {}
        _ = stopping.cancelled() => {
            // The session says goodbye and closes its channel; then the connection goes (a
            // finished connection is never waited on again).
            if tokio::time::timeout(Duration::from_secs(3), &mut running).await.is_err() {
                bye("the server is stopping").await;
                let _ = tokio::time::timeout(Duration::from_secs(2), &mut running).await;
            }
        }
    }
}
