//! `obryl serve --api [--listen ADDR]`: the partners' read API, on `api.listen` (loopback)
//! unless told otherwise, served as a service account (`--as NAME`) or a staff member (`--as
//! EMAIL`, or the remembered login) holding `api_tokens.manage`. Ctrl-C or SIGTERM stops it
//! once the requests in flight are answered; so does its identity losing that permission.

use std::net::SocketAddr;

use crate::api::{Identity, Server, is_loopback};
use crate::config::Config;
use crate::domain::Locale;
use crate::office::messages::error_text;
use crate::tr;

use super::{CliError, OrCli, admin, output, session};

/// Completes at Ctrl-C or, on Unix, SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_: Option<&str>,
    listen: Option<String>,
) -> Result<(), CliError> {
    let text = listen.unwrap_or_else(|| config.api.listen.clone());
    let addr: SocketAddr = text
        .trim()
        .parse()
        .map_err(|_| CliError::failed(tr(locale, "cli_serve.bad_listen", &[("value", &text)])))?;
    let (db, url) = admin::open(config, locale).await?;
    db.ensure_migrated().await.or_cli(locale)?;
    let actor = session::background_actor(config, locale, &db, &url, as_).await?;
    let identity = Identity::check(&db, &actor).await.or_cli(locale)?;
    let who = super::worker::who(identity.actor(), locale);
    if !is_loopback(&addr) {
        eprintln!(
            "obryl: {}",
            tr(
                locale,
                "cli_serve.not_loopback",
                &[("addr", &addr.to_string())]
            )
        );
    }
    let server = Server::bind(db.clone(), config, addr, identity)
        .await
        .map_err(|e| {
            CliError::failed(tr(
                locale,
                "cli_serve.cannot_listen",
                &[("addr", &addr.to_string()), ("reason", &e.to_string())],
            ))
        })?;
    let bound = server
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| addr.to_string());
    output::say(&tr(
        locale,
        "cli_serve.listening",
        &[("addr", &bound), ("who", &who)],
    ));
    let lost = server.lost();
    let served = server.run(stop_signal()).await;
    db.close().await;
    if let Some(e) = lost.take() {
        return Err(CliError::refused(tr(
            locale,
            "cli_serve.identity_lost",
            &[("who", &who), ("reason", &error_text(&e, locale))],
        )));
    }
    served.map_err(|e| {
        CliError::failed(tr(
            locale,
            "cli_serve.cannot_listen",
            &[("addr", &bound), ("reason", &e.to_string())],
        ))
    })?;
    output::say(&tr(locale, "cli_serve.stopped", &[]));
    Ok(())
}
