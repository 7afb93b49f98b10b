//! `obryl token …`: partners' API tokens (Sanctum's `ID|plaintext`, shown once).

use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::domain::Locale;
use crate::domain::api_token::stored_abilities;
use crate::office::format::absolute;
use crate::service::tokens::{self, NewToken};
use crate::service::{Actor, Origin};
use crate::store::tokens::{TokenRow, cursor};
use crate::store::{Anchor, Db};
use crate::tr;

use super::output::or_dash;
use super::{CliError, OrCli, output, session};

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; prints `ID|plaintext` this once.
    Create {
        #[arg(long)]
        name: String,
        /// Abilities, comma-separated: projects:read, commissions:read, escrows:read, tickets:read.
        #[arg(long, value_delimiter = ',', required = true)]
        abilities: Vec<String>,
        /// Days until it expires (default: never).
        #[arg(long, value_name = "DAYS")]
        expires: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Tokens with their abilities, expiry and last use (never the secret).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: it stops working at once.
    Revoke {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

fn as_json(t: &TokenRow) -> serde_json::Value {
    json!({
        "id": t.id,
        "name": t.name,
        "abilities": stored_abilities(t.abilities.as_deref()),
        "expires_at": output::time(t.expires_at),
        "last_used_at": output::time(t.last_used_at),
        "created_at": output::time(t.created_at),
        "created_by_id": t.tokenable_id,
        "created_by": t.owner_name,
    })
}

/// Every token, page after page (there are few).
async fn all(db: &Db, actor: &Actor, locale: Locale) -> Result<Vec<TokenRow>, CliError> {
    let mut rows = Vec::new();
    let mut anchor = Anchor::First;
    loop {
        let page = tokens::list(db, actor, &anchor, 500).await.or_cli(locale)?;
        let more = page.has_after;
        rows.extend(page.rows);
        match rows.last() {
            Some(last) if more => anchor = Anchor::After(cursor(last)),
            _ => return Ok(rows),
        }
    }
}

fn print_table(rows: &[TokenRow], locale: Locale) {
    if rows.is_empty() {
        output::say(&tr(locale, "cli_token.none", &[]));
        return;
    }
    let never = tr(locale, "cli_token.never", &[]);
    let when = |at| match at {
        Some(at) => absolute(Some(at), locale),
        None => never.clone(),
    };
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                t.name.clone(),
                stored_abilities(t.abilities.as_deref()).join(","),
                when(t.expires_at),
                when(t.last_used_at),
                or_dash(t.owner_name.clone()),
                absolute(t.created_at, locale),
            ]
        })
        .collect();
    let head: Vec<String> = [
        "id",
        "name",
        "abilities",
        "expires",
        "last_used",
        "created_by",
        "created_at",
    ]
    .iter()
    .map(|k| tr(locale, &format!("cli_token.{k}"), &[]))
    .collect();
    output::table(
        &head.iter().map(String::as_str).collect::<Vec<_>>(),
        &table,
        &[0],
    );
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: TokenCommand,
) -> Result<(), CliError> {
    let (db, actor) = session::open_as(config, locale, as_email).await?;
    let origin = Origin::cli();
    match cmd {
        TokenCommand::Create {
            name,
            abilities,
            expires,
            json,
        } => {
            let new = NewToken {
                name: &name,
                abilities: &abilities,
                expires_in_days: expires,
            };
            let created = tokens::create(&db, &actor, &origin, &new)
                .await
                .or_cli(locale)?;
            if json {
                let mut v = as_json(&created.token);
                v["token"] = created.plaintext.clone().into();
                output::print_json(&v);
            } else {
                // The warning on stderr, the token alone on stdout (for `$(…)` in scripts).
                eprintln!(
                    "{}",
                    output::quote(&tr(
                        locale,
                        "cli_token.created",
                        &[
                            ("id", &created.id.to_string()),
                            ("name", &created.token.name),
                        ],
                    ))
                );
                println!("{}", created.plaintext);
            }
        }
        TokenCommand::List { json } => {
            let rows = all(&db, &actor, locale).await?;
            if json {
                output::print_list(rows.iter().map(as_json).collect());
            } else {
                print_table(&rows, locale);
            }
        }
        TokenCommand::Revoke { id, json } => {
            let token = tokens::revoke(&db, &actor, &origin, id)
                .await
                .or_cli(locale)?;
            if json {
                output::print_json(&as_json(&token));
            } else {
                output::say(&tr(
                    locale,
                    "cli_token.revoked",
                    &[("id", &id.to_string()), ("name", &token.name)],
                ));
            }
        }
    }
    Ok(())
}
