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

/// The address to listen on: `--listen`, else the configured one.
fn listen_addr(
    listen: Option<String>,
    default: &str,
    locale: Locale,
) -> Result<SocketAddr, CliError> {
    let text = listen.unwrap_or_else(|| default.to_owned());
    text.trim()
        .parse()
        .map_err(|_| CliError::failed(tr(locale, "cli_serve.bad_listen", &[("value", &text)])))
}

fn cannot_listen(locale: Locale, addr: &str, e: impl std::fmt::Display) -> CliError {
    CliError::failed(tr(
        locale,
        "cli_serve.cannot_listen",
        &[("addr", addr), ("reason", &e.to_string())],
    ))
}

/// The address a server is bound to (the port chosen for `:0`), as said.
fn bound_text(bound: std::io::Result<SocketAddr>, asked: SocketAddr) -> String {
    bound.unwrap_or(asked).to_string()
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_: Option<&str>,
    listen: Option<String>,
) -> Result<(), CliError> {
    let addr = listen_addr(listen, &config.api.listen, locale)?;
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
        .map_err(|e| cannot_listen(locale, &addr.to_string(), e))?;
    let bound = bound_text(server.local_addr(), addr);
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
    served.map_err(|e| cannot_listen(locale, &bound, e))?;
    output::say(&tr(locale, "cli_serve.stopped", &[]));
    Ok(())
}

/// `obryl serve --ssh [--listen ADDR]`: the back-office over SSH, on `ssh.listen` (loopback)
/// unless told otherwise. The host key is made on first start (its fingerprint said, for
/// staff to check at their first connection); on the demo database the worker runs here too.
pub async fn run_ssh(
    config: &Config,
    locale: Locale,
    listen: Option<String>,
) -> Result<(), CliError> {
    let addr = listen_addr(listen, &config.ssh.listen, locale)?;
    let (db, url) = admin::open(config, locale).await?;
    db.close().await;
    let db = crate::store::Db::connect_sized(&url, config.database.pool_size)
        .await
        .or_cli(locale)?;
    if config.database_url().1 {
        // The embedded demo follows the program's schema, as the TUI's does.
        db.migrate().await.or_cli(locale)?;
    }
    db.ensure_migrated().await.or_cli(locale)?;
    let path = config.ssh_host_key_path();
    let (key, created) = crate::ssh::host_key::load_or_create(&path).map_err(CliError::failed)?;
    let fingerprint = crate::ssh::host_key::fingerprint(&key);
    if created {
        let at = path.display().to_string();
        output::say(&tr(
            locale,
            "cli_serve.ssh_host_key_created",
            &[("path", &at), ("fingerprint", &fingerprint)],
        ));
    }
    let server = crate::ssh::Server::bind(db.clone(), config, addr, key)
        .await
        .map_err(|e| cannot_listen(locale, &addr.to_string(), e))?;
    let bound = bound_text(server.local_addr(), addr);
    output::say(&tr(
        locale,
        "cli_serve.ssh_listening",
        &[("addr", &bound), ("fingerprint", &fingerprint)],
    ));
    let worker_stop = tokio_util::sync::CancellationToken::new();
    let worker = (config.database_url().1 && config.worker.in_process_on_demo).then(|| {
        let account = crate::seed::demo::SERVICE_ACCOUNT;
        crate::worker::in_process(db.clone(), config, account, worker_stop.clone())
    });
    let served = server.run(stop_signal()).await;
    worker_stop.cancel();
    if let Some(worker) = worker {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), worker).await;
    }
    db.close().await;
    served.map_err(|e| cannot_listen(locale, &bound, e))?;
    output::say(&tr(locale, "cli_serve.ssh_stopped", &[]));
    Ok(())
}
