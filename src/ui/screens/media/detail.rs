//! A media item's detail: the row, its history, what its owner was last told about it (in
//! the owner's own language), and its file as found on the disk (read off the drawing path,
//! on a blocking thread).

use crate::domain::Locale;
use crate::media::{Inspection, MediaDisk};
use crate::office::{format, media_words};
use crate::service::ServiceError;
use crate::service::media::Rules;
use crate::store::Conn;
use crate::store::audit::AuditRow;
use crate::store::media::MediaRow;
use crate::ui::widgets::detail::{DetailLine, Tone};

use super::super::Ctx;

pub struct MediaDetail {
    pub row: MediaRow,
    pub history: Vec<AuditRow>,
    /// The owner's latest notification about this item: their language and its text in it.
    pub told: Option<(Locale, String)>,
    /// None when no disk is configured here.
    pub file: Option<Inspection>,
}

/// What the owner last read about item `id`, in their language.
async fn told(c: &mut impl Conn, m: &MediaRow) -> Result<Option<(Locale, String)>, ServiceError> {
    let Some(owner) = m.owner_id else {
        return Ok(None);
    };
    let class = "App\\Notifications\\MediaModerated";
    let rows = crate::store::notifications::of_kind(c, owner, class).await?;
    let locale = m
        .owner_locale
        .as_deref()
        .map(Locale::from_tag)
        .unwrap_or(Locale::Fr);
    Ok(rows
        .iter()
        .find(|n| n.data["subject"]["id"].as_i64() == Some(m.id))
        .map(|n| (locale, crate::ui::notify::text(n, locale))))
}

pub async fn load(
    c: &mut impl Conn,
    id: i64,
    disk: Option<MediaDisk>,
) -> Result<MediaDetail, ServiceError> {
    let row = super::super::found(crate::store::media::get(c, id).await?, "media", id)?;
    let history = crate::store::audit::history(c, "media", id, 30).await?;
    let told = told(c, &row).await?;
    let file = match (disk, row.embed_url()) {
        // An embed is an address, never fetched: nothing on the disk to look at.
        (Some(_), Some(_)) | (None, _) => None,
        (Some(disk), None) => {
            let (file_name, mime, id) = (row.file_name.clone(), row.mime_type.clone(), row.id);
            let video = mime.as_deref().is_some_and(|m| m.starts_with("video/"));
            let looked = tokio::task::spawn_blocking(move || {
                let poster = video
                    .then(|| disk.conversion(id, &file_name, "poster").ok())
                    .flatten();
                crate::media::inspect(disk.original(id, &file_name), mime.as_deref(), poster)
            })
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
            Some(looked)
        }
    };
    Ok(MediaDetail {
        row,
        history,
        told,
        file,
    })
}

fn file_lines(d: &MediaDetail, ctx: &Ctx, out: &mut Vec<DetailLine>) {
    let Some(i) = &d.file else {
        if d.row.embed_url().is_none() {
            out.push(DetailLine::Styled(
                ctx.t("media_view.file_heading"),
                ctx.t("media_view.no_disk"),
                Tone::Muted,
            ));
        }
        return;
    };
    out.push(DetailLine::Section(ctx.t("media_view.file_heading")));
    if let Some(path) = &i.path {
        out.push(DetailLine::Field(
            ctx.t("media_view.path"),
            path.display().to_string(),
        ));
    }
    if let Some(found) = i.found {
        out.push(DetailLine::Field(ctx.t("media_view.content"), found.into()));
    }
    if let Some(m) = media_words::measures(i) {
        out.push(DetailLine::Field(ctx.t("media_view.measures"), m));
    }
    for p in &i.problems {
        out.push(DetailLine::Styled(
            String::new(),
            media_words::problem(p, ctx.locale),
            Tone::Danger,
        ));
    }
}

pub fn lines(d: &MediaDetail, rules: &Rules, ctx: &Ctx) -> Vec<DetailLine> {
    let (r, l) = (&d.row, ctx.locale);
    let tone = match r.moderation_status.as_str() {
        "pending" => Tone::Warning,
        "rejected" => Tone::Danger,
        _ => Tone::Ok,
    };
    let mut out = vec![
        DetailLine::Styled(
            ctx.t("media_view.status"),
            media_words::status(&r.moderation_status, l),
            tone,
        ),
        DetailLine::Field(
            ctx.t("media_view.collection"),
            media_words::collection(&r.collection_name, l),
        ),
        DetailLine::Field(
            ctx.t("media_view.owner"),
            r.owner_name.clone().unwrap_or_else(|| "—".into()),
        ),
        DetailLine::Field(ctx.t("media_view.shows_on"), media_words::shows_on(r, l)),
        DetailLine::Field(ctx.t("media_view.file"), r.file_name.clone()),
        DetailLine::Field(
            ctx.t("media_view.type"),
            r.mime_type.clone().unwrap_or_else(|| "—".into()),
        ),
        DetailLine::Field(ctx.t("media_view.size"), media_words::size(r.size, l)),
        DetailLine::Field(ctx.t("media_view.added"), format::absolute(r.created_at, l)),
    ];
    if let Some(seconds) = r.custom_properties["duration_seconds"].as_u64() {
        out.push(DetailLine::Field(
            ctx.t("media_view.declared_duration"),
            media_words::duration(seconds * 1000),
        ));
    }
    if let Some(address) = r.embed_url() {
        // Shown, never fetched; and said plainly when its host is not allowed.
        out.push(DetailLine::Field(ctx.t("media_view.embed"), address.into()));
        if let Err(e) = crate::service::media::embed_allowed(r, &rules.embeds) {
            out.push(DetailLine::Styled(
                String::new(),
                media_words::refusal(&e, l),
                Tone::Danger,
            ));
        }
    }
    if r.moderated_at.is_some() {
        let by = r
            .moderator_name
            .clone()
            .unwrap_or_else(|| ctx.t("audit.system"));
        let when = format::absolute(r.moderated_at, l);
        out.push(DetailLine::Field(
            ctx.t("media_view.decided_by"),
            format!("{by} · {when}"),
        ));
    }
    if let Some(reason) = &r.moderation_reason {
        out.push(DetailLine::Field(
            ctx.t("media_view.reason"),
            reason.clone(),
        ));
    }
    file_lines(d, ctx, &mut out);
    if let Some((locale, text)) = &d.told {
        out.push(DetailLine::Section(ctx.ta(
            "media_view.told",
            &[(
                "language",
                &format::status("locale", locale.as_str(), ctx.locale),
            )],
        )));
        out.push(DetailLine::Text(text.clone()));
    }
    super::super::audit::history_lines(&d.history, ctx, &mut out);
    out
}
