//! `obryl session list|revoke`: a person's back-office sessions (every TUI login, remembered
//! or not), and ending them. One's own need no permission; anyone else's need `users.manage`.

use serde_json::json;

use crate::config::Config;
use crate::domain::Locale;
use crate::office::format::absolute;
use crate::service::{Actor, Origin, ServiceError, auth};
use crate::store::{self, Db, access::SessionRow};
use crate::tr;

use super::output::or_dash;
use super::{CliError, OrCli, SessionCommand, output, session};

/// The person `--user EMAIL` names, else the actor.
async fn whose(
    db: &Db,
    actor: &Actor,
    email: Option<&str>,
    locale: Locale,
) -> Result<i64, CliError> {
    let Some(email) = email else {
        return Ok(actor.id);
    };
    store::users::find_by_email(&mut db.clone(), email)
        .await
        .or_cli(locale)?
        .map(|u| u.id)
        .ok_or_else(|| {
            CliError::from_service(
                ServiceError::NotFound {
                    what: "user",
                    key: email.to_owned(),
                },
                locale,
            )
        })
}

fn state(s: &SessionRow, locale: Locale) -> String {
    let now = crate::service::now();
    match (&s.revoked_at, &s.revoked_by_name) {
        (Some(at), by) => tr(
            locale,
            "cli.session.revoked",
            &[
                ("at", &absolute(Some(*at), locale)),
                ("by", by.as_deref().unwrap_or("—")),
            ],
        ),
        (None, _) if s.expires_at <= now => tr(locale, "cli.session.ended", &[]),
        (None, _) => tr(locale, "cli.session.live", &[]),
    }
}

fn as_json(s: &SessionRow) -> serde_json::Value {
    let t = output::time;
    json!({
        "id": s.id, "user_id": s.user_id, "host": s.host, "source": s.source,
        "remembered": s.remembered, "created_at": t(Some(s.created_at)),
        "expires_at": t(Some(s.expires_at)), "last_used_at": t(s.last_used_at),
        "revoked_at": t(s.revoked_at), "revoked_by_id": s.revoked_by,
        "revoked_by": s.revoked_by_name,
    })
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: SessionCommand,
) -> Result<(), CliError> {
    let (db, actor) = session::open_as(config, locale, as_email).await?;
    match cmd {
        SessionCommand::List { user, all, json } => {
            let uid = whose(&db, &actor, user.as_deref(), locale).await?;
            let rows = auth::sessions(&db, &actor, uid, all).await.or_cli(locale)?;
            if json {
                output::print_list(rows.iter().map(as_json).collect());
                return Ok(());
            }
            let l = |k: &str| tr(locale, &format!("cli.session.column.{k}"), &[]);
            let head: Vec<String> = [
                "id",
                "kind",
                "source",
                "created",
                "last_used",
                "expires",
                "state",
            ]
            .iter()
            .map(|k| l(k))
            .collect();
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        l(if s.remembered { "remembered" } else { "live" }),
                        or_dash(s.source.clone().or_else(|| s.host.clone())),
                        absolute(Some(s.created_at), locale),
                        absolute(s.last_used_at, locale),
                        absolute(Some(s.expires_at), locale),
                        state(s, locale),
                    ]
                })
                .collect();
            output::table(
                &head.iter().map(String::as_str).collect::<Vec<_>>(),
                &table,
                &[0],
            );
        }
        SessionCommand::Revoke { id, user, json } => {
            let uid = match (id, user.as_deref()) {
                (_, Some(email)) => whose(&db, &actor, Some(email), locale).await?,
                (Some(id), None) => store::access::session(&mut db.clone(), id)
                    .await
                    .or_cli(locale)?
                    .map(|s| s.user_id)
                    .ok_or_else(|| {
                        CliError::from_service(
                            ServiceError::NotFound {
                                what: "session",
                                key: id.to_string(),
                            },
                            locale,
                        )
                    })?,
                (None, None) => {
                    return Err(CliError::failed(tr(locale, "cli.session.revoke_what", &[])));
                }
            };
            // The sessions this ends, to print them as they now are with --json.
            let ending: Vec<i64> = match id {
                Some(id) => vec![id],
                None if json => auth::sessions(&db, &actor, uid, false)
                    .await
                    .or_cli(locale)?
                    .iter()
                    .map(|s| s.id)
                    .collect(),
                None => Vec::new(),
            };
            let n = auth::revoke(&db, &actor, &Origin::cli(), uid, id)
                .await
                .or_cli(locale)?;
            if json {
                let mut rows = Vec::new();
                for id in ending {
                    if let Some(s) = store::access::session(&mut db.clone(), id)
                        .await
                        .or_cli(locale)?
                    {
                        rows.push(as_json(&s));
                    }
                }
                output::print_list(rows);
                return Ok(());
            }
            output::say(&tr(
                locale,
                "cli.session.revoked_count",
                &[("n", &n.to_string())],
            ));
        }
    }
    Ok(())
}
