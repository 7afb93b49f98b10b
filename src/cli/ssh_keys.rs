//! `obryl user key add|list|revoke`: staff members' SSH keys for the back-office served over
//! SSH. Adding and revoking follow the role-administration rules (see `service::ssh_keys`);
//! listing is a read any staff member may do.

use std::path::PathBuf;

use clap::Subcommand;

use crate::config::Config;
use crate::domain::{Locale, UseCase};
use crate::service::{self, ssh_keys::SshKey};
use crate::tr;

use super::output::{self, quote};
use super::{CliError, OrCli, admin, session};

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Register an OpenSSH public key (ssh-ed25519, ecdsa-sha2-nistp*, ssh-rsa).
    Add {
        email: String,
        /// The public key line: "ssh-ed25519 AAAA… comment".
        #[arg(
            long,
            required_unless_present = "key_file",
            conflicts_with = "key_file"
        )]
        key: Option<String>,
        /// A file holding the public key (e.g. ~/.ssh/id_ed25519.pub).
        #[arg(long, value_name = "PATH")]
        key_file: Option<PathBuf>,
        /// Print the key as stored, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// A person's keys, live and revoked.
    List {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by its fingerprint (SHA256:…).
    Revoke {
        email: String,
        fingerprint: String,
        #[arg(long)]
        json: bool,
    },
}

fn as_json(k: &SshKey) -> serde_json::Value {
    serde_json::json!({
        "id": k.id, "user_id": k.user_id, "algorithm": k.algorithm,
        "public_key": k.public_key, "fingerprint": k.fingerprint, "comment": k.comment,
        "created_by_id": k.created_by, "created_by": k.created_by_name,
        "created_at": output::time(Some(k.created_at)),
        "last_used_at": output::time(k.last_used_at),
        "revoked_at": output::time(k.revoked_at), "revoked_by_id": k.revoked_by,
    })
}

/// The first key line of a file (blank lines and `#` comments skipped).
fn read_key_file(path: &PathBuf, locale: Locale) -> Result<String, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::failed(tr(
            locale,
            "cli.key.unreadable",
            &[
                ("path", &path.display().to_string()),
                ("reason", &e.to_string()),
            ],
        ))
    })?;
    Ok(text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_default()
        .to_owned())
}

fn line(k: &SshKey, locale: Locale) -> String {
    let state = match k.revoked_at {
        Some(at) => tr(
            locale,
            "cli.key.state_revoked",
            &[("at", &at.format("%Y-%m-%d %H:%M").to_string())],
        ),
        None => tr(locale, "cli.key.state_live", &[]),
    };
    let used = match k.last_used_at {
        Some(at) => at.format("%Y-%m-%d %H:%M").to_string(),
        None => tr(locale, "cli.key.never_used", &[]),
    };
    format!(
        "{}  {}  {}  {}  {}",
        k.fingerprint,
        k.algorithm,
        quote(k.comment.as_deref().unwrap_or("—")),
        tr(locale, "cli.key.last_used", &[("at", &used)]),
        state
    )
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: KeyCommand,
) -> Result<(), CliError> {
    match cmd {
        KeyCommand::List { email, json } => {
            let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
            let keys = service::ssh_keys::list(&db, &email).await.or_cli(locale)?;
            if json {
                output::print_list(keys.iter().map(as_json).collect());
            } else if keys.is_empty() {
                output::say(&tr(locale, "cli.key.none", &[("email", &email)]));
            } else {
                for k in &keys {
                    output::say(&line(k, locale));
                }
            }
        }
        KeyCommand::Add {
            email,
            key,
            key_file,
            json,
        } => {
            let text = match (key, key_file) {
                (Some(k), _) => k,
                (None, Some(path)) => read_key_file(&path, locale)?,
                (None, None) => String::new(),
            };
            let (db, actor, origin) = admin::acting(config, locale, as_email).await?;
            let k = service::ssh_keys::add(&db, actor.as_ref(), &origin, &email, &text)
                .await
                .or_cli(locale)?;
            if json {
                output::print_json(&as_json(&k));
            } else {
                output::say(&tr(
                    locale,
                    "cli.key.added",
                    &[("email", &email), ("fingerprint", &k.fingerprint)],
                ));
            }
        }
        KeyCommand::Revoke {
            email,
            fingerprint,
            json,
        } => {
            let (db, actor, origin) = admin::acting(config, locale, as_email).await?;
            let changed =
                service::ssh_keys::revoke(&db, actor.as_ref(), &origin, &email, &fingerprint)
                    .await
                    .or_cli(locale)?;
            if json {
                let keys = service::ssh_keys::list(&db, &email).await.or_cli(locale)?;
                let k = keys.iter().find(|k| k.fingerprint == fingerprint);
                output::print_json(&k.map(as_json).unwrap_or_default());
                return Ok(());
            }
            let args = [
                ("email", email.as_str()),
                ("fingerprint", fingerprint.as_str()),
            ];
            let key = if changed {
                "cli.key.revoked"
            } else {
                "cli.key.already_revoked"
            };
            output::say(&tr(locale, key, &args));
        }
    }
    Ok(())
}
