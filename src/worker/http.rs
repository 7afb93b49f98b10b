//! One attempt on the wire: the reqwest client (connect and total timeouts, no redirects, no
//! proxy, a resolver that drops forbidden addresses after DNS), the Standard Webhooks headers
//! and signature, and what came back (status, latency, the first 4 KiB, `Retry-After`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};

use crate::domain::webhook::{
    AddressRule, UrlRefusal, check_url, deliverable, reserved_name, signature_header,
};
use crate::store::deliveries::Claimed;

/// The response body kept for the deliveries log.
pub const EXCERPT_BYTES: usize = 4096;

/// What one attempt got.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sent {
    pub status: Option<u16>,
    pub latency_ms: Option<i64>,
    pub excerpt: Option<String>,
    pub retry_after: Option<String>,
    /// Why no answer came (refused before connecting, DNS, connect, timeout…).
    pub error: Option<String>,
}

impl Sent {
    fn refused(why: String) -> Sent {
        Sent {
            error: Some(format!("refused before connecting: {why}")),
            ..Sent::default()
        }
    }
}

/// The HTTP side of the worker.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(String);

impl Sender {
    pub fn new(
        connect_timeout: Duration,
        timeout: Duration,
        allow_private: bool,
        concurrency: usize,
    ) -> Result<Sender, ClientError> {
        // reqwest is built without a default crypto provider: ring is the process's. Another
        // part of the program may have installed it first, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve names itself, past the address checks.
            .no_proxy()
            .dns_resolver(Arc::new(Guarded { allow_private }))
            .pool_max_idle_per_host(concurrency.max(1))
            .user_agent(concat!("Obryl-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError(e.to_string()))?;
        Ok(Sender {
            client,
            allow_private,
        })
    }

    /// Sends `c` once, signed at `now`.
    pub async fn send(&self, c: &Claimed, now: DateTime<Utc>) -> Sent {
        let dest = match check_url(&c.url, self.allow_private) {
            Ok(dest) => dest,
            Err(r) => return Sent::refused(refusal_text(r, &c.url)),
        };
        let body = serde_json::to_vec(&c.payload).unwrap_or_default();
        let timestamp = now.timestamp();
        let mut secrets = vec![c.secret.as_str()];
        if let (Some(previous), Some(until)) = (&c.previous_secret, c.previous_secret_expires_at)
            && until > now
        {
            secrets.push(previous.as_str());
        }
        let signature = signature_header(&secrets, &c.event_id, timestamp, &body);
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, value: &str| {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.insert(name, v);
            }
        };
        put("webhook-id", &c.event_id);
        put("webhook-timestamp", &timestamp.to_string());
        put("webhook-signature", &signature);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let started = Instant::now();
        let response = self
            .client
            .post(&dest.url)
            .headers(headers)
            .body(body)
            .send()
            .await;
        let mut response = match response {
            Ok(r) => r,
            Err(e) => {
                return Sent {
                    latency_ms: Some(elapsed_ms(started)),
                    error: Some(error_text(&e)),
                    ..Sent::default()
                };
            }
        };
        let latency_ms = Some(elapsed_ms(started));
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut kept = Vec::new();
        let mut error = None;
        while kept.len() < EXCERPT_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = EXCERPT_BYTES - kept.len();
                    kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Ok(None) => break,
                Err(e) => {
                    error = Some(error_text(&e));
                    break;
                }
            }
        }
        let excerpt = (!kept.is_empty()).then(|| String::from_utf8_lossy(&kept).into_owned());
        let error = error.or_else(|| {
            (!(200..300).contains(&status)).then(|| {
                let reason = reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                format!("HTTP {status} {reason}").trim_end().to_owned()
            })
        });
        Sent {
            status: Some(status),
            latency_ms,
            excerpt,
            retry_after,
            error,
        }
    }
}

fn elapsed_ms(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// An error and its causes on one line, without the URL (it may carry a partner's token).
fn error_text(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let mut parts = vec![kind.to_owned()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn rule_text(rule: AddressRule) -> &'static str {
    match rule {
        AddressRule::Loopback => "loopback",
        AddressRule::Private => "private network",
        AddressRule::LinkLocal => "link-local",
        AddressRule::SharedCgnat => "shared (carrier-grade NAT)",
        AddressRule::UniqueLocal => "unique-local",
        AddressRule::Multicast => "multicast",
        AddressRule::Unspecified => "unspecified",
        AddressRule::Metadata => "cloud metadata",
        AddressRule::Reserved => "special-purpose",
    }
}

fn refusal_text(r: UrlRefusal, url: &str) -> String {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    match r {
        UrlRefusal::NotAUrl => "not a web address".into(),
        UrlRefusal::TooLong => "the address is too long".into(),
        UrlRefusal::NotHttps => "webhooks are sent over https only".into(),
        UrlRefusal::Credentials => "the address carries a user name or password".into(),
        UrlRefusal::ReservedName => format!("{host} is a reserved name"),
        UrlRefusal::Address(rule) => format!("{host} is a {} address", rule_text(rule)),
    }
}

/// Resolves names, then keeps only the addresses that may receive deliveries: a name that
/// points into the platform's network is refused after resolution, at every connection.
struct Guarded {
    allow_private: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let allow = self.allow_private;
        Box::pin(async move {
            if reserved_name(&host) {
                return Err(Box::new(Refused(format!("{host} is a reserved name"))) as _);
            }
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            match deliverable(found, allow) {
                Ok(kept) => Ok(Box::new(kept.into_iter()) as Addrs),
                Err(Some((ip, rule))) => Err(Box::new(Refused(format!(
                    "{host} resolves to {ip}, a {} address",
                    rule_text(rule)
                ))) as _),
                Err(None) => Err(Box::new(Refused(format!("{host} has no address"))) as _),
            }
        })
    }
}
