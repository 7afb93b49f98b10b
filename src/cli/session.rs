//! The remembered login: a random token in a 0600 file in the data dir (only its hash is in the
//! database), tied to the database it was issued for.

use std::io::Write;
use std::path::PathBuf;

use crate::config::Config;
use crate::domain::Locale;
use crate::service::{Actor, Origin, ServiceError, auth};
use crate::store::Db;
use crate::tr;

use super::{CliError, OrCli};

fn token_file(config: &Config) -> PathBuf {
    config.data_dir().join("session.token")
}

/// The remembered token for `url`, if any.
pub fn load_token(config: &Config, url: &str) -> Option<String> {
    let text = std::fs::read_to_string(token_file(config)).ok()?;
    let mut lines = text.lines();
    let (for_url, token) = (lines.next()?, lines.next()?);
    (for_url == url && !token.is_empty()).then(|| token.to_owned())
}

pub fn save_token(config: &Config, url: &str, token: &str) -> std::io::Result<()> {
    let path = token_file(config);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    writeln!(f, "{url}\n{token}")
}

pub fn forget_token(config: &Config) {
    let _ = std::fs::remove_file(token_file(config));
}

/// Resolves who acts for a CLI command: `--as EMAIL` with OBRYL_PASSWORD or a prompt, else
/// the remembered login.
pub async fn actor(
    config: &Config,
    locale: Locale,
    db: &Db,
    url: &str,
    as_email: Option<&str>,
) -> Result<Actor, CliError> {
    if let Some(email) = as_email {
        let password = match std::env::var("OBRYL_PASSWORD") {
            Ok(p) => p,
            Err(_) => prompt(
                locale,
                &tr(locale, "cli.password.prompt", &[("email", email)]),
            )?,
        };
        return auth::login(db, email, &password).await.or_cli(locale);
    }
    match load_token(config, url) {
        Some(token) => match auth::resume(db, &token).await {
            Ok(actor) => Ok(actor),
            Err(ServiceError::SessionExpired) => {
                Err(CliError::failed(tr(locale, "cli.session.expired", &[])))
            }
            Err(e) => Err(CliError::from_service(e, locale)),
        },
        None => Err(CliError::failed(tr(locale, "cli.session.who", &[]))),
    }
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

pub async fn logout(config: &Config, locale: Locale) -> Result<(), CliError> {
    let (url, _) = config.database_url();
    let Some(token) = load_token(config, &url) else {
        forget_token(config);
        println!("{}", tr(locale, "cli.logout.none", &[]));
        return Ok(());
    };
    let db = Db::connect(&url).await.or_cli(locale)?;
    let live = auth::logout(&db, &token).await.or_cli(locale)?;
    forget_token(config);
    let key = if live {
        "cli.logout.done"
    } else {
        "cli.logout.expired"
    };
    println!("{}", tr(locale, key, &[]));
    Ok(())
}

/// Remembers a login made in the TUI.
pub async fn remember(
    config: &Config,
    db: &Db,
    url: &str,
    actor: &Actor,
) -> Result<(), ServiceError> {
    let ttl = chrono::Duration::days(config.session.ttl_days.max(1));
    let token = auth::remember(db, actor, &Origin::tui(), ttl).await?;
    save_token(config, url, &token)
        .map_err(|e| ServiceError::Internal(format!("cannot save the remembered login: {e}")))?;
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
