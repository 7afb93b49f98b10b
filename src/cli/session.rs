//! The remembered login: a random token in a 0600 file in the data dir (only its hash is in the
//! database), tied to the database it was issued for.

use std::io::Write;
use std::path::PathBuf;

use crate::config::Config;
use crate::service::{Actor, Origin, ServiceError, auth};
use crate::store::Db;

use super::CliError;

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
    db: &Db,
    url: &str,
    as_email: Option<&str>,
) -> Result<Actor, CliError> {
    if let Some(email) = as_email {
        let password = match std::env::var("OBRYL_PASSWORD") {
            Ok(p) => p,
            Err(_) => {
                rpassword::prompt_password(format!("Password for {email}: ")).map_err(|e| {
                    CliError::failed(format!(
                        "cannot read the password: {e} (set OBRYL_PASSWORD)"
                    ))
                })?
            }
        };
        return Ok(auth::login(db, email, &password).await?);
    }
    match load_token(config, url) {
        Some(token) => match auth::resume(db, &token).await {
            Ok(actor) => Ok(actor),
            Err(ServiceError::SessionExpired) => Err(CliError::failed(
                "the remembered login has expired; use --as EMAIL",
            )),
            Err(e) => Err(e.into()),
        },
        None => Err(CliError::failed(
            "who are you? use --as EMAIL (password from OBRYL_PASSWORD or a prompt) or log in once in the TUI",
        )),
    }
}

pub async fn logout(config: &Config) -> Result<(), CliError> {
    let (url, _) = config.database_url();
    let Some(token) = load_token(config, &url) else {
        forget_token(config);
        println!("No remembered login.");
        return Ok(());
    };
    let db = Db::connect(&url).await?;
    let live = auth::logout(&db, &token).await?;
    forget_token(config);
    println!(
        "{}",
        if live {
            "Logged out: the remembered login is revoked."
        } else {
            "The remembered login had already expired."
        }
    );
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
