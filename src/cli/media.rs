//! `obryl media list [--status S] [--collection C]|show ID|approve ID [ID …]|reject ID --reason
//! TEXT`: moderating what developers publish (`media.moderate`). `show` looks at the file on
//! the media disk (its real kind, an image's size, a video's metadata, what is wrong with it)
//! and says what the owner was told. Several items are approved each on its own: one result
//! per id, exit 1 when any was refused.

use clap::Subcommand;

use crate::config::Config;
use crate::domain::{Locale, UseCase};
use crate::office::media_words;
use crate::service::media::{self, Rules};
use crate::store::media::{MediaFilter, MediaRow};
use crate::tr;

use super::output::{self, quote};
use super::{CliError, OrCli, session};

#[derive(Debug, Subcommand)]
pub enum MediaCommand {
    /// The moderation queue: pending first, newest first within.
    List {
        #[arg(long, default_value = "all", value_parser = ["all", "pending", "approved", "rejected"])]
        status: String,
        #[arg(long, value_parser = ["portfolio", "demo_video", "embed_3d", "attachments"])]
        collection: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// One item, its file as found on the media disk, and what its owner was told.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Approve pending items, each on its own (media.moderate).
    Approve {
        #[arg(value_name = "ID", required = true, num_args = 1..)]
        ids: Vec<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Reject an item, or take an approved one down, with the reason its owner will read.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

fn as_json(m: &MediaRow) -> serde_json::Value {
    serde_json::json!({
        "id": m.id, "model_type": m.model_type, "model_id": m.model_id,
        "collection": m.collection_name, "name": m.name, "file_name": m.file_name,
        "mime_type": m.mime_type, "size": m.size, "status": m.moderation_status,
        "embed_url": m.embed_url(), "owner_id": m.owner_id, "owner": m.owner_name,
        "project_id": m.project_id, "project": m.project_title,
        "created_at": output::time(m.created_at), "moderated_at": output::time(m.moderated_at),
        "moderated_by": m.moderator_name, "reason": m.moderation_reason,
    })
}

fn rules(config: &Config) -> Rules {
    Rules {
        embeds: config.embed_policy(),
        disk: Some(config.media_disk()),
    }
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: MediaCommand,
) -> Result<(), CliError> {
    match cmd {
        MediaCommand::List {
            status,
            collection,
            limit,
            json,
        } => {
            let filter = MediaFilter {
                statuses: (status != "all").then_some(status).into_iter().collect(),
                collections: collection.into_iter().collect(),
                ..MediaFilter::default()
            };
            list(config, locale, as_email, &filter, limit, json).await
        }
        MediaCommand::Show { id, json } => show(config, locale, as_email, id, json).await,
        MediaCommand::Approve { ids, json } => approve(config, locale, as_email, &ids, json).await,
        MediaCommand::Reject { id, reason, json } => {
            let (db, actor) =
                session::open_for(config, locale, as_email, UseCase::MediaDecide).await?;
            let origin = crate::service::Origin::cli();
            media::reject(&db, &actor, &origin, id, &reason)
                .await
                .or_cli(locale)?;
            if json {
                output::print_json(&serde_json::json!({"id": id, "outcome": "rejected"}));
            } else {
                output::say(&tr(
                    locale,
                    "media_view.rejected",
                    &[("id", &id.to_string())],
                ));
            }
            Ok(())
        }
    }
}

async fn list(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    filter: &MediaFilter,
    limit: u64,
    json: bool,
) -> Result<(), CliError> {
    let (db, actor) = session::open_for(config, locale, as_email, UseCase::MediaRead).await?;
    let rows = media::list(&db, &actor, filter, limit.clamp(1, 1000))
        .await
        .or_cli(locale)?;
    if json {
        output::print_list(rows.iter().map(as_json).collect());
        return Ok(());
    }
    let t = |k: &str| tr(locale, &format!("media_view.{k}"), &[]);
    let header = [
        "id",
        "status",
        "collection",
        "name",
        "owner",
        "file",
        "size",
    ]
    .map(t);
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                media_words::status(&m.moderation_status, locale),
                media_words::collection(&m.collection_name, locale),
                quote(&m.name),
                quote(m.owner_name.as_deref().unwrap_or("—")),
                quote(m.embed_url().unwrap_or(&m.file_name)),
                media_words::size(m.size, locale),
            ]
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    output::table(&header, &table, &[0, 6]);
    Ok(())
}

async fn show(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    id: i64,
    json: bool,
) -> Result<(), CliError> {
    let (db, actor) = session::open_for(config, locale, as_email, UseCase::MediaRead).await?;
    let m = media::show(&db, &actor, id).await.or_cli(locale)?;
    let rules = rules(config);
    let file = match (&rules.disk, m.embed_url()) {
        (Some(disk), None) => {
            let video = m
                .mime_type
                .as_deref()
                .is_some_and(|t| t.starts_with("video/"));
            let poster = video
                .then(|| disk.conversion(m.id, &m.file_name, "poster").ok())
                .flatten();
            Some(crate::media::inspect(
                disk.original(m.id, &m.file_name),
                m.mime_type.as_deref(),
                poster,
            ))
        }
        _ => None,
    };
    let refusal = m
        .embed_url()
        .and_then(|_| media::embed_allowed(&m, &rules.embeds).err())
        .map(|e| media_words::refusal(&e, locale));
    let problems: Vec<String> = file
        .iter()
        .flat_map(|f| f.problems.iter())
        .map(|p| media_words::problem(p, locale))
        .collect();
    if json {
        let mut value = as_json(&m);
        value["file"] = serde_json::json!({
            "path": file.as_ref().and_then(|f| f.path.as_ref()).map(|p| p.display().to_string()),
            "content": file.as_ref().and_then(|f| f.found),
            "dimensions": file.as_ref().and_then(|f| f.dimensions).map(|(w, h)| [w, h]),
            "video": file.as_ref().and_then(|f| f.video.as_ref()).map(|v| serde_json::json!({
                "duration_ms": v.duration_ms, "width": v.width, "height": v.height, "codec": v.codec,
            })),
            "problems": file.iter().flat_map(|f| f.problems.iter()).map(|p| p.key()).collect::<Vec<_>>(),
        });
        value["embed_refusal"] = refusal.into();
        output::print_json(&value);
        return Ok(());
    }
    let t = |k: &str| tr(locale, &format!("media_view.{k}"), &[]);
    let mut fields = vec![
        (t("id"), m.id.to_string()),
        (
            t("status"),
            media_words::status(&m.moderation_status, locale),
        ),
        (
            t("collection"),
            media_words::collection(&m.collection_name, locale),
        ),
        (t("name"), quote(&m.name)),
        (t("owner"), quote(m.owner_name.as_deref().unwrap_or("—"))),
        (t("shows_on"), quote(&media_words::shows_on(&m, locale))),
        (t("file"), quote(&m.file_name)),
        (t("type"), output::or_dash(m.mime_type.clone())),
        (t("size"), media_words::size(m.size, locale)),
    ];
    if let Some(address) = m.embed_url() {
        fields.push((t("embed"), quote(address)));
    }
    if let Some(f) = &file {
        if let Some(p) = &f.path {
            fields.push((t("path"), quote(&p.display().to_string())));
        }
        if let Some(found) = f.found {
            fields.push((t("content"), found.to_owned()));
        }
        if let Some(measures) = media_words::measures(f) {
            fields.push((t("measures"), measures));
        }
    }
    if let Some(reason) = &m.moderation_reason {
        fields.push((t("reason"), quote(reason)));
    }
    output::record(&fields);
    for line in refusal.into_iter().chain(problems) {
        output::say(&format!("⚠ {line}"));
    }
    Ok(())
}

/// Approves each id on its own and says what became of each; exit 1 when any was refused.
async fn approve(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    ids: &[i64],
    json: bool,
) -> Result<(), CliError> {
    let (db, actor) = session::open_for(config, locale, as_email, UseCase::MediaDecide).await?;
    let origin = crate::service::Origin::cli();
    let report = media::approve_many(&db, &actor, &origin, &rules(config), ids).await;
    let text = |e: &crate::service::ServiceError| crate::office::messages::error_text(e, locale);
    if json {
        output::print_list(
            report
                .iter()
                .map(|(id, r)| match r {
                    Ok(()) => serde_json::json!({"id": id, "outcome": "approved"}),
                    Err(e) => serde_json::json!({
                        "id": id, "outcome": "refused", "code": e.code(), "message": text(e),
                    }),
                })
                .collect(),
        );
    } else {
        for (id, r) in &report {
            match r {
                Ok(()) => output::say(&tr(
                    locale,
                    "media_view.approved",
                    &[("id", &id.to_string())],
                )),
                Err(e) => output::say(&format!("#{id}: {}", text(e))),
            }
        }
    }
    let mut refused: Vec<crate::service::ServiceError> =
        report.into_iter().filter_map(|(_, r)| r.err()).collect();
    match refused.len() {
        0 => Ok(()),
        // One id: its own refusal, with its own exit code.
        1 if ids.len() == 1 => Err(CliError::from_service(refused.remove(0), locale)),
        _ => {
            let n = refused.len().to_string();
            let summary = tr(locale, "media_bulk.cli_refused", &[("n", &n)]);
            Err(if refused.iter().all(|e| e.is_refusal()) {
                CliError::refused(summary)
            } else {
                CliError::failed(summary)
            })
        }
    }
}
