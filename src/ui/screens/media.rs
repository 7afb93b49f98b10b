//! Media moderation (a view, `:media`): what developers publish on their portfolios and
//! projects, pending first, newest first within. The detail shows the item's owner, where it
//! will show, its file as found on the media disk (its real kind, an image's size, a video's
//! metadata, what is wrong with it) and a preview drawn in the terminal (`preview.rs`). `a`
//! approves (an embed only from an allowed host), `r` rejects with a reason (an approved item
//! too: taking it down), the owner is notified; space marks rows and `a` approves the marked
//! ones after one confirmation (`media.moderate`). Filters: `status:` `collection:` `owner:`
//! `project:` and free text in the names.

use std::collections::BTreeMap;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};

use crate::domain::{Permission, sanitize_line};
use crate::office::{format, media_words};
use crate::service::ServiceError;
use crate::service::media::Rules;
use crate::store::Cursor;
use crate::store::media::{MediaFilter, MediaRow};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Done, Job};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, identified_by_id, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId, status_values};

mod bulk;
mod detail;
mod preview;

pub use detail::MediaDetail;

pub struct MediaScreen {
    pub list: ListView<MediaRow>,
    pub detail: DetailState<MediaDetail>,
    pub filter_raw: String,
    filter: MediaFilter,
    rules: Rules,
    /// The marked rows as they were when marked (`list.selected` says which are marked).
    marked: BTreeMap<i64, MediaRow>,
    /// The open item's picture, ready for this session's terminal.
    preview: preview::Preview,
}

identified_by_id!(MediaRow);

impl MediaScreen {
    pub fn new(rules: Rules) -> MediaScreen {
        MediaScreen {
            list: ListView::default(),
            detail: DetailState::default(),
            filter_raw: String::new(),
            filter: MediaFilter::default(),
            rules,
            marked: BTreeMap::new(),
            preview: preview::Preview::default(),
        }
    }
}

fn status(r: &MediaRow, ctx: &Ctx) -> (String, Tone) {
    let tone = match r.moderation_status.as_str() {
        "pending" => Tone::Warning,
        "rejected" => Tone::Danger,
        _ => Tone::Ok,
    };
    (media_words::status(&r.moderation_status, ctx.locale), tone)
}

/// This screen's own actions.
const APPROVE: Verb = Verb("approve");
const REJECT: Verb = Verb("reject");
const SELECT: Verb = Verb("select");

impl ListScreen for MediaScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(APPROVE, &["a"], Permission::MediaModerate),
        Declared::write(REJECT, &["r"], Permission::MediaModerate),
        Declared {
            verb: SELECT,
            keys: &["space"],
            needs: Some(Permission::MediaModerate),
            writes: false,
        },
    ];
    const SUBJECT: Option<&'static str> = Some("media");

    super::screen_fields!(TabId::Media, MediaRow, MediaDetail);
    super::list_request!(crate::store::media::page);

    fn detail_request(&self, row: &MediaRow) -> Option<Job> {
        let (id, disk) = (row.id, self.rules.disk.clone());
        Some(Job::new(move |mut db, _| async move {
            let detail = detail::load(&mut db, id, disk).await?;
            Ok::<_, ServiceError>((id, detail))
        }))
    }
    fn sort_label(&self, ctx: &Ctx) -> String {
        ctx.t("sort.pending_first")
    }
    fn cursor(&self, row: &MediaRow) -> Cursor {
        crate::store::media::cursor(row)
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.filter = MediaFilter {
            statuses: status_values(p, &crate::domain::media::STATUSES),
            collections: p.choices(&["collection"], &crate::domain::media::COLLECTIONS),
            owner_id: p.number(&["owner", "propriétaire", "developer", "dev"]),
            project_id: p.number(&["project", "projet"]),
            text: p.text(),
        };
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new(ctx.t("media_view.id"), Constraint::Length(6)).right(),
            Column::new(ctx.t("media_view.status"), Constraint::Length(10)),
            Column::new(ctx.t("media_view.collection"), Constraint::Length(12)),
            Column::new(ctx.t("media_view.name"), Constraint::Fill(2)),
            Column::new(ctx.t("media_view.owner"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("media_view.file"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("media_view.size"), Constraint::Length(9)).right(),
            Column::new(ctx.t("media_view.added"), Constraint::Length(10)).optional(),
        ]
    }
    fn cells(&self, r: &MediaRow, ctx: &Ctx) -> Vec<Cell> {
        let (status, tone) = status(r, ctx);
        let file = r.embed_url().unwrap_or(&r.file_name).to_owned();
        vec![
            r.id.to_string().into(),
            styled(status, tone.style(ctx.theme)),
            media_words::collection(&r.collection_name, ctx.locale).into(),
            r.name.clone().into(),
            r.owner_name.clone().unwrap_or_default().into(),
            file.into(),
            media_words::size(r.size, ctx.locale).into(),
            format::when(r.created_at, ctx.now, ctx.locale).into(),
        ]
    }
    fn export_header(&self) -> Vec<&'static str> {
        vec![
            "status_code",
            "collection_code",
            "size_bytes",
            "mime_type",
            "owner_id",
        ]
    }
    fn export_values(&self, r: &MediaRow) -> Vec<String> {
        vec![
            r.moderation_status.clone(),
            r.collection_name.clone(),
            r.size.to_string(),
            r.mime_type.clone().unwrap_or_default(),
            r.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        ]
    }
    fn heading(&self, d: &MediaDetail, ctx: &Ctx) -> String {
        ctx.ta(
            "media_view.heading",
            &[("id", &d.row.id.to_string()), ("name", &d.row.name)],
        )
    }
    fn body(&self, d: &MediaDetail, ctx: &Ctx) -> Vec<DetailLine> {
        detail::lines(d, &self.rules, ctx)
    }
    fn reference(&self, r: &MediaRow) -> String {
        format!("media #{}", r.id)
    }
    fn action_label(&self, action: Action, ctx: &Ctx) -> Option<String> {
        match action {
            Action::Screen(APPROVE) if !self.list.selected.is_empty() => {
                Some(ctx.t("media_view.approve_marked"))
            }
            Action::Screen(APPROVE) => Some(ctx.t("media_view.approve")),
            Action::Screen(REJECT) => Some(ctx.t("media_view.reject")),
            _ => None,
        }
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        let current = self.list.current();
        if ctx.may(Permission::MediaModerate) {
            let pending = current.is_some_and(|r| r.moderation_status == "pending");
            if pending || !self.list.selected.is_empty() {
                out.push(Action::Screen(APPROVE));
            }
            if current.is_some_and(|r| r.moderation_status != "rejected") {
                out.push(Action::Screen(REJECT));
            }
            if current.is_some() {
                out.push(Action::Screen(SELECT));
            }
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        // The permission the action needs was checked by the dispatcher before this.
        self.needs(action)?;
        if action == Action::Screen(SELECT) {
            self.toggle_mark();
            return Some(Vec::new());
        }
        if action == Action::Screen(APPROVE) && !self.list.selected.is_empty() {
            return Some(bulk::approve_marked(self, ctx));
        }
        let r = self.list.current()?;
        let (id, locale) = (r.id, ctx.locale);
        let name = sanitize_line(&r.name);
        if action == Action::Screen(APPROVE) {
            // Refusals come before any question: a decided item, an embed from elsewhere.
            if r.moderation_status != "pending" {
                let (status, _) = status(r, ctx);
                return Some(vec![Effect::Refuse(
                    ctx.ta("media_view.decided", &[("status", &status)]),
                )]);
            }
            if let Err(e) = crate::service::media::embed_allowed(r, &self.rules.embeds) {
                return Some(vec![Effect::Refuse(media_words::refusal(&e, locale))]);
            }
            let rules = self.rules.clone();
            return Some(vec![Effect::Confirm {
                title: ctx.t("confirm.title"),
                question: ctx.ta(
                    "media_view.approve_question",
                    &[
                        ("name", &name),
                        ("where", &media_words::shows_on(r, locale)),
                    ],
                ),
                job: Job::write(move |db, actor, origin| async move {
                    crate::service::media::approve(&db, &actor, &origin, &rules, id).await?;
                    Ok(Done::about(locale, "media_view.approved", id))
                }),
            }]);
        }
        if r.moderation_status == "rejected" {
            let (status, _) = status(r, ctx);
            return Some(vec![Effect::Refuse(
                ctx.ta("media_view.decided", &[("status", &status)]),
            )]);
        }
        Some(vec![Effect::Prompt {
            title: ctx.ta("media_view.reject_title", &[("name", &name)]),
            text: String::new(),
            submit: Arc::new(move |reason: String| {
                Job::write(move |db, actor, origin| async move {
                    crate::service::media::reject(&db, &actor, &origin, id, &reason).await?;
                    Ok(Done::about(locale, "media_view.rejected", id))
                })
            }),
        }])
    }
    fn summary(&self, ctx: &Ctx) -> Option<String> {
        bulk::summary(self, ctx)
    }
    fn preview_height(&self, area: Rect, ctx: &Ctx) -> u16 {
        self.preview.height(self.detail.content.as_ref(), area, ctx)
    }
    fn draw_preview(&mut self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let Some(d) = self.detail.content.as_ref() else {
            return;
        };
        self.preview.draw(f, area, d, ctx);
    }
    fn watches(&self, t: &str) -> bool {
        t == "media"
    }
}
