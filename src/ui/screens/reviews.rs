//! Reviews (a view, `:reviews`): moderation. Every review with its project and both parties,
//! newest or lowest-rated first; `H` hides one with a reason, `U` shows it again.

use ratatui::layout::Constraint;

use crate::domain::Locale;
use crate::domain::Permission;
use crate::office;
use crate::office::format;
use crate::service;
use crate::store::reviews::{Filter, ReviewListRow, Sort};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Done, Job, ReviewDetail};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, styled};

use super::{Compose, Ctx, DetailState, Effect, ListScreen, TabId, TextSize};

#[derive(Default)]
pub struct ReviewsScreen {
    pub list: ListView<ReviewListRow>,
    pub detail: DetailState<ReviewDetail>,
    pub sort: Sort,
    pub filter: Filter,
    pub filter_raw: String,
}

const HIDDEN: &[&str] = &["hidden", "masqués", "masques"];
const VISIBLE: &[&str] = &["visible", "visibles"];

/// Five stars, filled up to the rating: the number of filled ones also reads without colour.
pub fn stars(rating: i64) -> String {
    let n = rating.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

fn rating_tone(rating: i64) -> Tone {
    match rating {
        ..=2 => Tone::Danger,
        3 => Tone::Warning,
        _ => Tone::Ok,
    }
}

/// This screen's own actions.
const HIDE: Verb = Verb("hide");
const RESTORE: Verb = Verb("restore");

impl ListScreen for ReviewsScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(HIDE, &["H"], Permission::ReviewsModerate),
        Declared::write(RESTORE, &["U"], Permission::ReviewsModerate),
    ];
    const SUBJECT: Option<&'static str> = Some("review");

    super::screen_fields!(TabId::Reviews, ReviewListRow, ReviewDetail);
    super::list_request!(crate::store::reviews::page, sorted);
    super::detail_request!(office::details::review);
    super::sorted_by!(Sort::Newest => "sort.newest", Sort::Rating => "sort.lowest_rating");

    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        let flags: Vec<&str> = HIDDEN.iter().chain(VISIBLE).copied().collect();
        let hidden = if HIDDEN.iter().any(|f| p.flag(f)) {
            Some(true)
        } else if VISIBLE.iter().any(|f| p.flag(f)) {
            Some(false)
        } else {
            None
        };
        self.filter = Filter {
            text: p.text_except(&flags),
            hidden,
            ratings: p
                .choices(&["rating", "note"], &["1", "2", "3", "4", "5"])
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
            project_id: p.number(&["project", "projet"]),
            person: p.first(&["user", "person", "personne"]),
        };
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new("#", Constraint::Length(6)).right(),
            Column::new(ctx.t("col.rating"), Constraint::Length(6)),
            Column::new(ctx.t("col.project"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("reviews.by_about"), Constraint::Fill(2)),
            Column::new(ctx.t("reviews.comment"), Constraint::Fill(3)),
            Column::new(ctx.t("col.status"), Constraint::Length(10)),
            Column::new(ctx.t("col.when"), Constraint::Length(14)).optional(),
        ]
    }
    fn cells(&self, r: &ReviewListRow, ctx: &Ctx) -> Vec<Cell> {
        let state = if r.hidden_at.is_some() {
            styled(format!("⊘ {}", ctx.t("detail.hidden")), ctx.theme.muted)
        } else {
            ctx.t("reviews.visible").into()
        };
        vec![
            r.id.to_string().into(),
            styled(stars(r.rating), rating_tone(r.rating).style(ctx.theme)),
            r.project_title.clone().into(),
            format!("{} → {}", r.reviewer_name, r.reviewee_name).into(),
            r.comment.clone().unwrap_or_else(|| "—".into()).into(),
            state,
            format::when(r.created_at, ctx.now, ctx.locale).into(),
        ]
    }
    fn heading(&self, d: &Self::Detail, ctx: &Ctx) -> String {
        ctx.ta("reviews.detail_title", &[("id", &d.review.id.to_string())])
    }
    fn body(&self, d: &ReviewDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let r = &d.review;
        let l = ctx.locale;
        let mut out = vec![
            DetailLine::Field(ctx.t("col.reference"), format!("#{}", r.id)),
            DetailLine::Field(
                ctx.t("col.project"),
                format!(
                    "#{} {} · {}",
                    r.project_id,
                    r.project_title,
                    format::status("project", &r.project_status, l)
                ),
            ),
            DetailLine::Field(ctx.t("reviews.reviewer"), r.reviewer_name.clone()),
            DetailLine::Field(ctx.t("reviews.reviewee"), r.reviewee_name.clone()),
            DetailLine::Styled(
                ctx.t("col.rating"),
                format!("{} ({}/5)", stars(r.rating), r.rating),
                rating_tone(r.rating),
            ),
            DetailLine::Field(ctx.t("detail.created"), format::absolute(r.created_at, l)),
            DetailLine::Section(ctx.t("reviews.comment")),
            DetailLine::Text(r.comment.clone().unwrap_or_else(|| ctx.t("detail.none"))),
        ];
        out.push(DetailLine::Section(ctx.t("reviews.moderation")));
        match r.hidden_at {
            Some(at) => {
                out.push(DetailLine::Styled(
                    ctx.t("detail.hidden"),
                    format!(
                        "{} · {}",
                        format::absolute(Some(at), l),
                        r.hidden_by_name.clone().unwrap_or_default()
                    ),
                    Tone::Warning,
                ));
                out.push(DetailLine::Field(
                    ctx.t("detail.reason"),
                    r.hidden_reason.clone().unwrap_or_default(),
                ));
            }
            None => out.push(DetailLine::Text(ctx.t("reviews.shown_publicly"))),
        }
        super::audit::history_lines(&d.history, ctx, &mut out);
        out
    }
    fn reference(&self, r: &ReviewListRow) -> String {
        format!("review #{} project #{}", r.id, r.project_id)
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        if ctx.may(Permission::ReviewsModerate) {
            match self.list.current().map(|r| r.hidden_at.is_some()) {
                Some(true) => out.push(Action::Screen(RESTORE)),
                Some(false) => out.push(Action::Screen(HIDE)),
                None => {}
            }
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        if !matches!(action, Action::Screen(HIDE) | Action::Screen(RESTORE)) {
            return None;
        }
        if !ctx.may(Permission::ReviewsModerate) {
            return Some(vec![ctx.refuse(Permission::ReviewsModerate)]);
        }
        let r = self.list.current()?;
        let id = r.id.to_string();
        match (action, r.hidden_at.is_some()) {
            (Action::Screen(HIDE), false) => Some(vec![Effect::Compose {
                title: ctx.ta(
                    "compose.hide_review_title",
                    &[("id", &id), ("by", &r.reviewer_name)],
                ),
                purpose: hide(r.id, ctx.locale),
            }]),
            (Action::Screen(RESTORE), true) => Some(vec![Effect::Confirm {
                title: ctx.t("confirm.title"),
                question: ctx.ta(
                    "confirm.restore_review",
                    &[("id", &id), ("by", &r.reviewer_name)],
                ),
                job: restore(r.id, ctx.locale),
            }]),
            (Action::Screen(HIDE), true) => {
                Some(vec![Effect::Refuse(ctx.t("reviews.already_hidden"))])
            }
            _ => Some(vec![Effect::Refuse(ctx.t("reviews.not_hidden"))]),
        }
    }
    fn command(&mut self, name: &str, rest: &str, ctx: &Ctx) -> Option<Vec<Effect>> {
        if name != "hide-review" {
            return None;
        }
        // `:hide-review ID REASON`
        let (id, reason) = rest
            .split_once(' ')
            .map(|(i, r)| (i.parse::<i64>().ok(), r.trim()))
            .unwrap_or((None, ""));
        Some(vec![match id {
            Some(id) if !reason.is_empty() => {
                Effect::write(hide(id, ctx.locale).submit(reason.to_owned()))
            }
            _ => Effect::Refuse(ctx.ta("error.usage", &[("usage", ":hide-review ID REASON")])),
        }])
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "review")
    }
}

/// Why the review is hidden (kept in the audit row and shown to moderators), then hidden.
fn hide(id: i64, locale: Locale) -> Compose {
    Compose::new(
        format!("review-{id}-hide"),
        TextSize::Reason,
        move |reason| {
            Job::write(move |db, actor, origin| async move {
                service::content::hide_review(&db, &actor, &origin, id, &reason).await?;
                Ok(Done::about(locale, "toast.review_hidden", id))
            })
        },
    )
}

fn restore(id: i64, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        service::content::restore_review(&db, &actor, &origin, id).await?;
        Ok(Done::about(locale, "toast.review_restored", id))
    })
}
