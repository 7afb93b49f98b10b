//! Who acts for a CLI command: `--as` with a password (a throttled, audited login) or the
//! remembered login (`office::session`); `open_as` / `open_for` start every actor's command.

use crate::config::Config;
use crate::domain::{Locale, UseCase};
use crate::office::session::{forget_token, load_token};
use crate::service::auth::SessionKind;
use crate::service::{Actor, Origin, ServiceError, access, auth};
use crate::store::Db;
use crate::tr;

use super::{CliError, OrCli};

/// Resolves who acts for a CLI command: `--as EMAIL` with OBRYL_PASSWORD or a prompt (a
/// throttled, audited login), else the remembered login; None when there is neither.
pub async fn find_actor(
    config: &Config,
    locale: Locale,
    db: &Db,
    url: &str,
    as_email: Option<&str>,
) -> Result<Option<Actor>, CliError> {
    if let Some(email) = as_email {
        if !email.contains('@') {
            // A service account's name: only the background commands act as one.
            return Err(CliError::refused(tr(
                locale,
                "cli.service_account.not_here",
                &[("name", email)],
            )));
        }
        let password = match std::env::var("OBRYL_PASSWORD") {
            Ok(p) => p,
            Err(_) => prompt(
                locale,
                &tr(locale, "cli.password.prompt", &[("email", email)]),
            )?,
        };
        let policy = config.login.throttle_policy();
        let login = auth::login(
            db,
            email,
            &password,
            &Origin::cli(),
            &policy,
            SessionKind::None,
        )
        .await
        .or_cli(locale)?;
        return Ok(Some(login.actor));
    }
    match load_token(config, url) {
        Some(token) => match auth::resume(db, &token).await {
            Ok(actor) => Ok(Some(actor)),
            Err(ServiceError::SessionExpired) => {
                Err(CliError::refused(tr(locale, "cli.session.expired", &[])))
            }
            Err(e) => Err(CliError::from_service(e, locale)),
        },
        None => Ok(None),
    }
}

/// Who acts, required: "who are you?" when nobody is logged in (refused, like a missing
/// permission: exit code 1).
pub async fn actor(
    config: &Config,
    locale: Locale,
    db: &Db,
    url: &str,
    as_email: Option<&str>,
) -> Result<Actor, CliError> {
    find_actor(config, locale, db, url, as_email)
        .await?
        .ok_or_else(|| CliError::refused(tr(locale, "cli.session.who", &[])))
}

/// Who a background process (`obryl worker`, `obryl serve --api`) acts as: `--as NAME` names
/// a service account (no password: it cannot log in anywhere else), `--as EMAIL` a staff
/// member (OBRYL_PASSWORD or a prompt), else the remembered login. Nobody: refused, saying how
/// to name one.
pub async fn background_actor(
    config: &Config,
    locale: Locale,
    db: &Db,
    url: &str,
    as_: Option<&str>,
) -> Result<Actor, CliError> {
    if let Some(name) = as_.filter(|a| !a.contains('@')) {
        return crate::service::service_accounts::find(db, name)
            .await
            .or_cli(locale);
    }
    find_actor(config, locale, db, url, as_)
        .await?
        .ok_or_else(|| CliError::refused(tr(locale, "cli.service_account.who", &[])))
}

/// Reads a password from the terminal without echo.
pub(super) fn prompt(locale: Locale, question: &str) -> Result<String, CliError> {
    rpassword::prompt_password(question).map_err(|e| {
        CliError::failed(tr(
            locale,
            "cli.password.unreadable",
            &[("reason", &e.to_string())],
        ))
    })
}

/// `obryl logout`: ends the remembered login of this data directory (its open screens go back
/// to the login screen) and forgets it.
pub async fn logout(config: &Config, locale: Locale) -> Result<(), CliError> {
    let (url, _) = config.database_url();
    let Some(token) = load_token(config, &url) else {
        forget_token(config);
        println!("{}", tr(locale, "cli.logout.none", &[]));
        return Ok(());
    };
    let (db, _) = super::admin::open(config, locale).await?;
    let live = auth::logout(&db, &token, &Origin::cli())
        .await
        .or_cli(locale)?;
    forget_token(config);
    let key = if live {
        "cli.logout.done"
    } else {
        "cli.logout.expired"
    };
    println!("{}", tr(locale, key, &[]));
    Ok(())
}

/// What every command that acts for someone starts with: the configured database, checked to
/// be migrated, and the staff member acting (`--as` or the remembered login).
pub async fn open_as(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
) -> Result<(Db, Actor), CliError> {
    let (db, url) = super::admin::open(config, locale).await?;
    db.ensure_migrated().await.or_cli(locale)?;
    let actor = actor(config, locale, &db, &url, as_email).await?;
    Ok((db, actor))
}

/// `open_as` for a command that reads platform data: the actor must be allowed `use_case`
/// now (`audit.view` for the audit log; a staff role for the rest).
pub async fn open_for(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    use_case: UseCase,
) -> Result<(Db, Actor), CliError> {
    let (db, actor) = open_as(config, locale, as_email).await?;
    let actor = access::authorize(&db, &actor, use_case)
        .await
        .or_cli(locale)?;
    Ok((db, actor))
}
