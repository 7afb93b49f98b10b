//! One SSH connection as russh sees it: public-key authentication against the staff keys (an
//! unknown key is refused when offered, before any signature), one session channel with a
//! pty whose shell is the back-office, and a failure reply to everything else (commands,
//! subsystems such as sftp, environment variables, port, agent and X11 forwarding).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use russh::keys::HashAlg;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelOpenFailure};
use tokio::sync::mpsc;

use crate::domain::Locale;
use crate::service::ssh_login::{self, KnownKey};
use crate::service::{Origin, ServiceError};
use crate::tr;

use super::runner::{self, Out, ToSession};
use super::server::Shared;

/// Input packets a session may have waiting; a client that floods past it is cut off (the
/// connection's reader never waits on the App, so neither can block the other).
const INPUT_QUEUE: usize = 256;

/// The widest and tallest screen accepted from a client (a bigger claim is clamped).
const MAX_SIDE: u32 = 1000;

pub struct Connection {
    shared: Arc<Shared>,
    origin: Origin,
    /// Keys that passed the offer check, by fingerprint.
    offered: HashMap<String, KnownKey>,
    /// The proven key and its owner.
    known: Option<KnownKey>,
    channel: Option<ChannelId>,
    /// Where that channel's output goes.
    out: Option<Out>,
    pty: Option<(u16, u16)>,
    input: Option<mpsc::Sender<ToSession>>,
    /// Set once the back-office started on this connection (the server's watchdog closes a
    /// connection that never gets there).
    pub started: Arc<AtomicBool>,
}

impl Connection {
    pub fn new(shared: Arc<Shared>, peer: SocketAddr) -> Connection {
        Connection {
            shared,
            origin: Origin::connection("ssh", peer),
            offered: HashMap::new(),
            known: None,
            channel: None,
            out: None,
            pty: None,
            input: None,
            started: Arc::new(AtomicBool::new(false)),
        }
    }

    fn locale(&self) -> Locale {
        match &self.known {
            Some(k) => Locale::from_tag(&k.user.locale),
            None => self.shared.opts.locale,
        }
    }

    /// Records a refusal on the proven key's account (nothing when no key was proven).
    async fn refuse(&self, reason: &str) {
        if let Some(known) = &self.known {
            let fingerprint = known.key.fingerprint.as_str();
            let recorded = ssh_login::refused(
                &self.shared.db,
                &self.origin,
                &known.user,
                fingerprint,
                reason,
            );
            if let Err(e) = recorded.await {
                tracing::warn!("recording an SSH refusal: {e}");
            }
        }
    }

    /// Refuses a channel request for `reason`: its message said, a failure reply, recorded,
    /// and the channel closed.
    async fn refuse_request(
        &mut self,
        channel: ChannelId,
        reason: &str,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        let line = tr(self.locale(), &format!("ssh.refused_{reason}"), &[]);
        self.refuse_with(channel, reason, &line, session).await
    }

    async fn refuse_with(
        &mut self,
        channel: ChannelId,
        reason: &str,
        line: &str,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        // Said before the failure reply, for clients that show it.
        session.data(channel, format!("obryl: {line}\r\n").into_bytes())?;
        session.channel_failure(channel)?;
        self.refuse(reason).await;
        if let Some(out) = self.out.clone() {
            tokio::spawn(async move { out.close_with(false, "", 1).await });
        }
        Ok(())
    }
}

fn fingerprint(key: &russh::keys::PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

fn side(n: u32) -> u16 {
    n.clamp(1, MAX_SIDE) as u16
}

impl russh::server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        let fingerprint = fingerprint(offer.public_key);
        let policy = self.shared.config.login.throttle_policy();
        match ssh_login::offered(&self.shared.db, &self.origin, &policy, &fingerprint).await {
            Ok(known) => {
                self.offered.insert(fingerprint, known);
                Ok(Auth::Accept)
            }
            Err(ServiceError::InvalidCredentials | ServiceError::Throttled { .. }) => {
                Ok(Auth::reject())
            }
            Err(e) => {
                tracing::warn!(peer = %self.origin.source, "checking an SSH key: {e}");
                Ok(Auth::reject())
            }
        }
    }

    async fn auth_publickey(
        &mut self,
        _user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        match self.offered.remove(&fingerprint(key.public_key)) {
            Some(known) => {
                self.known = Some(known);
                Ok(Auth::Accept)
            }
            None => Ok(Auth::reject()),
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One back-office per connection; its requests come through this handler.
        if self.channel.is_some() {
            reply
                .reject(ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        }
        self.channel = Some(channel.id());
        // Its requests and input come through this handler; its output is written through
        // the write half, which waits for the client's window (a slow client slows only this).
        let (_, write) = channel.split();
        self.out = Some(Out::new(write));
        reply.accept().await;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        columns: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.pty = Some((side(columns), side(rows)));
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(known) = self.known.clone() else {
            return session.channel_failure(channel);
        };
        if self.started.load(Ordering::SeqCst) {
            return session.channel_failure(channel);
        }
        let Some(size) = self.pty else {
            // `ssh -T`: no terminal to draw on; told why (a failure reply would hide the line).
            session.channel_success(channel)?;
            self.refuse("no_pty").await;
            let line = tr(self.locale(), "ssh.refused_no_pty", &[]);
            if let Some(out) = self.out.clone() {
                tokio::spawn(async move { out.close_with(false, &line, 1).await });
            }
            return Ok(());
        };
        let slot = match self.shared.slots.take(known.user.id) {
            Ok(slot) => slot,
            Err(full) => {
                let limit = full.limit().to_string();
                let line = tr(self.locale(), full.message_key(), &[("limit", &limit)]);
                return self
                    .refuse_with(channel, full.reason(), &line, session)
                    .await;
            }
        };
        session.channel_success(channel)?;
        self.started.store(true, Ordering::SeqCst);
        let (tx, rx) = mpsc::channel(INPUT_QUEUE);
        self.input = Some(tx);
        let Some(out) = self.out.clone() else {
            return session.channel_failure(channel);
        };
        let (shared, origin, locale) = (self.shared.clone(), self.origin.clone(), self.locale());
        let fingerprint = known.key.fingerprint.clone();
        tokio::spawn(async move {
            runner::run(shared, out, origin, fingerprint, size, rx, locale).await;
            drop(slot);
        });
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse_request(channel, "exec", session).await
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse_request(channel, "subsystem", session).await
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        _value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Nothing from the client's environment reaches the back-office.
        session.channel_failure(channel)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _protocol: &str,
        _cookie: &str,
        _screen: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn tcpip_forward(
        &mut self,
        _address: &str,
        _port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refuse("forwarding").await;
        Ok(false)
    }

    async fn streamlocal_forward(
        &mut self,
        _socket_path: &str,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refuse("forwarding").await;
        Ok(false)
    }

    #[allow(clippy::too_many_arguments)]
    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        _host: &str,
        _port: u32,
        _originator: &str,
        _originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse("forwarding").await;
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if Some(channel) != self.channel {
            return Ok(());
        }
        if let Some(input) = &self.input
            && input.try_send(ToSession::Bytes(data.to_vec())).is_err()
        {
            tracing::warn!(peer = %self.origin.source, "SSH input flood: connection closed");
            self.input = None;
            session.close(channel)?;
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        columns: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let size = (side(columns), side(rows));
        if self.pty.is_some() {
            self.pty = Some(size);
        }
        if Some(channel) == self.channel
            && let Some(input) = &self.input
        {
            let _ = input.try_send(ToSession::Resize(size.0, size.1));
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.closed(channel);
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.closed(channel);
        Ok(())
    }
}

impl Connection {
    fn closed(&mut self, channel: ChannelId) {
        if Some(channel) == self.channel
            && let Some(input) = self.input.take()
        {
            let _ = input.try_send(ToSession::Closed);
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // The connection is gone (the client hung up): its session stops.
        if let Some(input) = self.input.take() {
            let _ = input.try_send(ToSession::Closed);
        }
    }
}
