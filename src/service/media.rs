//! Moderating what developers publish (`media.moderate`): approve a pending item, reject one
//! with a reason (an approved one too: taking it down). An embed is approved only from a host
//! on the allowlist, a file only when its bytes are what it claims (when the disk is reachable
//! from here; a missing file is not a refusal: the platform may keep it elsewhere). Audited; the
//! owner is notified, in their language when they read it.

use serde_json::{Value as JsonValue, json};

use crate::domain::UseCase;
use crate::domain::media::EmbedPolicy;
use crate::media::MediaDisk;
use crate::store::media::{self as stored, MediaRow};
use crate::store::{Db, Tx};

use super::record::{Change, Diff, Notice, record_and_commit};
use super::{Actor, Origin, Result, Said, ServiceError, access};

/// Longest rejection reason kept (bytes).
pub const REASON_MAX_BYTES: usize = 4096;

/// What approving checks besides the state: where embeds may come from, where files are.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    pub embeds: EmbedPolicy,
    pub disk: Option<MediaDisk>,
}

async fn load(tx: &mut Tx, id: i64) -> Result<MediaRow> {
    stored::get(tx, id).await?.ok_or(ServiceError::NotFound {
        what: "media",
        key: id.to_string(),
    })
}

/// An item someone decided already, as "already approved by Awa Diop at 10:42".
fn already(m: &MediaRow) -> ServiceError {
    ServiceError::AlreadyDecided {
        status: m.moderation_status.clone(),
        by: m
            .moderator_name
            .clone()
            .unwrap_or_else(|| "the platform".into()),
        at: m.moderated_at.or(m.created_at).unwrap_or_default(),
    }
}

/// The rule an embed breaks, if any, from the row alone (no file is read: screens ask it
/// before their question).
pub fn embed_allowed(m: &MediaRow, embeds: &EmbedPolicy) -> Result<()> {
    if let Some(address) = m.embed_url() {
        if let Err(refusal) = embeds.check(address) {
            let host = match &refusal {
                crate::domain::media::EmbedRefusal::HostNotAllowed { host } => host.clone(),
                crate::domain::media::EmbedRefusal::NotHttps { scheme } => scheme.clone(),
                _ => String::new(),
            };
            return Err(ServiceError::Invalid {
                field: "embed_url",
                message: Said::new(refusal.key())
                    .arg("host", crate::domain::sanitize_line(&host))
                    .arg("allowed", embeds.listed()),
            });
        }
    } else if m.collection_name == "embed_3d" {
        return Err(ServiceError::Invalid {
            field: "embed_url",
            message: Said::new("embed_not_a_url")
                .arg("host", "")
                .arg("allowed", embeds.listed()),
        });
    }
    Ok(())
}

/// The rule an embed or a file breaks, if any: checked in the approval's transaction, before
/// anything is written (the file's first bytes are read when the disk is reachable).
pub fn approvable(m: &MediaRow, rules: &Rules) -> Result<()> {
    embed_allowed(m, &rules.embeds)?;
    if let Some(disk) = &rules.disk
        && m.embed_url().is_none()
        && let Ok(path) = disk.original(m.id, &m.file_name)
        && path.exists()
        && let Err(crate::media::Problem::Mismatch { claimed, found }) =
            crate::media::inspect::check_kind(&path, m.mime_type.as_deref())
    {
        return Err(ServiceError::Invalid {
            field: "file",
            message: Said::new("media_content_mismatch")
                .arg("claimed", claimed)
                .arg("found", found),
        });
    }
    Ok(())
}

fn notice(m: &MediaRow, kind: &'static str, reason: Option<&str>) -> Option<Notice> {
    Some(Notice {
        user_id: m.owner_id?,
        class: "App\\Notifications\\MediaModerated",
        kind,
        params: json!({
            "media_id": m.id,
            "name": m.name,
            "collection": m.collection_name,
            "project_title": m.project_title,
            "reason": reason,
        }),
    })
}

pub async fn approve(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    rules: &Rules,
    id: i64,
) -> Result<()> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::MediaDecide).await?;
    let m = load(&mut tx, id).await?;
    if m.moderation_status != "pending" {
        return Err(already(&m));
    }
    approvable(&m, rules)?;
    let now = super::now();
    let values = vec![
        ("moderation_status", "approved".into()),
        ("moderated_by", actor.id.into()),
        ("moderated_at", now.into()),
    ];
    if !stored::cas_decide(&mut tx, id, "pending", values, now).await? {
        return Err(already(&load(&mut tx, id).await?));
    }
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "approved",
            subject_type: "media",
            subject_id: id,
            diff: Diff::new()
                .field("moderation_status", "pending", "approved")
                .field("moderated_by", JsonValue::Null, actor.id),
            notices: notice(&m, "media.approved", None).into_iter().collect(),
            webhook: None,
        },
    )
    .await?;
    Ok(())
}

/// Rejects a pending item, or takes an approved one down; the reason goes to the owner.
pub async fn reject(db: &Db, actor: &Actor, origin: &Origin, id: i64, reason: &str) -> Result<()> {
    let reason = crate::domain::require_text("reason", reason, REASON_MAX_BYTES)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::MediaDecide).await?;
    let m = load(&mut tx, id).await?;
    if m.moderation_status == "rejected" {
        return Err(already(&m));
    }
    let now = super::now();
    let values = vec![
        ("moderation_status", "rejected".into()),
        ("moderated_by", actor.id.into()),
        ("moderated_at", now.into()),
        ("moderation_reason", reason.clone().into()),
    ];
    if !stored::cas_decide(&mut tx, id, &m.moderation_status, values, now).await? {
        return Err(already(&load(&mut tx, id).await?));
    }
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "rejected",
            subject_type: "media",
            subject_id: id,
            diff: Diff::new()
                .field(
                    "moderation_status",
                    m.moderation_status.as_str(),
                    "rejected",
                )
                .field("moderated_by", JsonValue::Null, actor.id)
                .field("moderation_reason", JsonValue::Null, json!(reason)),
            notices: notice(&m, "media.rejected", Some(&reason))
                .into_iter()
                .collect(),
            webhook: None,
        },
    )
    .await?;
    Ok(())
}

/// The moderation queue's first `limit` items (`media.moderate`: what awaits moderation is
/// not every staff member's to browse).
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &stored::MediaFilter,
    limit: u64,
) -> Result<Vec<MediaRow>> {
    access::authorize(db, actor, UseCase::MediaRead).await?;
    Ok(stored::list(&mut db.clone(), filter, limit).await?)
}

/// One item (`media.moderate`).
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<MediaRow> {
    access::authorize(db, actor, UseCase::MediaRead).await?;
    stored::get(&mut db.clone(), id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "media",
            key: id.to_string(),
        })
}

/// What a bulk approval did to each item: approved, or the refusal that kept it.
pub async fn approve_many(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    rules: &Rules,
    ids: &[i64],
) -> Vec<(i64, Result<()>)> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        // Each in its own transaction: one refusal keeps only that item.
        out.push((*id, approve(db, actor, origin, rules, *id).await));
    }
    out
}
