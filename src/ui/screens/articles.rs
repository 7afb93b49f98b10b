//! Articles (a view, `:articles`): the blog, newest first, with the body and history in the
//! detail; `w` edits one (articles.edit), `t` moves it through draft, review, published and
//! archived (publishing needs articles.publish).

use ratatui::layout::Constraint;

use crate::domain::{ArticleStatus, Locale, Permission};
use crate::office;
use crate::office::details::ArticleDetail;
use crate::office::format;
use crate::service;
use crate::store::content::{ArticleFilter, ArticleRow};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Done, Job};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, identified_by_id, styled};

use super::{Compose, Ctx, DetailState, Effect, ListScreen, TabId, TextSize, codes, status_values};

#[derive(Default)]
pub struct ArticlesScreen {
    pub list: ListView<ArticleRow>,
    pub detail: DetailState<ArticleDetail>,
    pub filter: ArticleFilter,
    pub filter_raw: String,
}

fn status_tone(status: &str) -> Tone {
    match status {
        "published" => Tone::Ok,
        "review" => Tone::Warning,
        "archived" => Tone::Muted,
        _ => Tone::Plain,
    }
}

identified_by_id!(ArticleRow);

/// This screen's own actions.
const EDIT: Verb = Verb("edit");
const SET_STATUS: Verb = Verb("set_status");

impl ListScreen for ArticlesScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(EDIT, &["w"], Permission::ArticlesEdit),
        Declared::write(SET_STATUS, &["t"], Permission::ArticlesEdit),
    ];
    const SUBJECT: Option<&'static str> = Some("article");

    super::screen_fields!(TabId::Articles, ArticleRow, ArticleDetail);
    super::list_request!(crate::store::content::page_articles);
    super::detail_request!(office::details::article);

    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.filter = ArticleFilter {
            text: p.text(),
            statuses: status_values(p, &codes(ArticleStatus::ALL)),
        };
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new("#", Constraint::Length(6)).right(),
            Column::new(ctx.t("col.status"), Constraint::Length(12)),
            Column::new(ctx.t("articles.col_title"), Constraint::Fill(3)),
            Column::new(ctx.t("articles.author"), Constraint::Fill(1)).optional(),
            Column::new(ctx.t("col.when"), Constraint::Length(14)).optional(),
        ]
    }
    fn cells(&self, a: &ArticleRow, ctx: &Ctx) -> Vec<Cell> {
        vec![
            a.id.to_string().into(),
            styled(
                format::status("article", &a.status, ctx.locale),
                status_tone(&a.status).style(ctx.theme),
            ),
            a.title.clone().into(),
            a.author_name.clone().into(),
            format::when(a.updated_at, ctx.now, ctx.locale).into(),
        ]
    }
    fn heading(&self, d: &Self::Detail, _ctx: &Ctx) -> String {
        d.article.title.clone()
    }
    fn body(&self, d: &ArticleDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (a, l) = (&d.article, ctx.locale);
        let mut out = vec![
            DetailLine::Field(ctx.t("col.reference"), format!("#{} · {}", a.id, a.slug)),
            DetailLine::Styled(
                ctx.t("col.status"),
                format::status("article", &a.status, l),
                status_tone(&a.status),
            ),
            DetailLine::Field(ctx.t("articles.author"), a.author_name.clone()),
            DetailLine::Field(
                ctx.t("articles.published"),
                format::absolute(a.published_at, l),
            ),
            DetailLine::Field(ctx.t("detail.updated"), format::absolute(a.updated_at, l)),
            DetailLine::Section(ctx.t("articles.excerpt")),
            DetailLine::Text(a.excerpt.clone().unwrap_or_else(|| ctx.t("detail.none"))),
            DetailLine::Section(ctx.t("articles.body")),
        ];
        out.extend(a.body.lines().map(|line| DetailLine::Text(line.to_owned())));
        super::audit::history_lines(&d.history, ctx, &mut out);
        out
    }
    fn reference(&self, a: &ArticleRow) -> String {
        format!("article #{} {}", a.id, a.slug)
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        if ctx.may(Permission::ArticlesEdit) {
            out.extend([Action::Screen(EDIT), Action::Screen(SET_STATUS)]);
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        if !self.actions(ctx).contains(&action) || action == Action::History {
            return None;
        }
        let a = self.list.current()?;
        let (id, seen, l) = (a.id, Some(a.lock_version), ctx.locale);
        match action {
            Action::Screen(EDIT) => {
                // First line the title, second the excerpt, then a blank line and the body.
                let text = format!(
                    "{}\n{}\n\n{}",
                    a.title,
                    a.excerpt.clone().unwrap_or_default(),
                    a.body
                );
                Some(vec![Effect::Compose {
                    title: ctx.ta("compose.article_title", &[("title", &a.title)]),
                    purpose: edit(id, seen, l).starting_with(text),
                }])
            }
            Action::Screen(SET_STATUS) => {
                let from = ArticleStatus::parse(&a.status).ok()?;
                let options: Vec<_> = from
                    .next_states()
                    .into_iter()
                    .map(|to| {
                        let job = set_status(id, to, seen, l);
                        let then = match (to, from) {
                            (ArticleStatus::Published, _)
                                if !ctx.may(Permission::ArticlesPublish) =>
                            {
                                ctx.refuse(Permission::ArticlesPublish)
                            }
                            // What readers see changes: asked first.
                            (ArticleStatus::Published, _) | (_, ArticleStatus::Published) => {
                                let key = if to == ArticleStatus::Published {
                                    "articles.confirm_publish"
                                } else {
                                    "articles.confirm_unpublish"
                                };
                                Effect::Confirm {
                                    title: ctx.t("confirm.title"),
                                    question: ctx.ta(key, &[("title", &a.title)]),
                                    job,
                                }
                            }
                            _ => Effect::write(job),
                        };
                        (format::status("article", to.as_str(), l), then)
                    })
                    .collect();
                Some(vec![Effect::Pick {
                    title: ctx.ta("articles.status_title", &[("title", &a.title)]),
                    options,
                }])
            }
            _ => None,
        }
    }
    fn watches(&self, t: &str) -> bool {
        t == "article"
    }
}

/// The article as composed text, then saved.
fn edit(id: i64, seen: Option<i64>, locale: Locale) -> Compose {
    Compose::new(format!("article-{id}"), TextSize::Document, move |text| {
        Job::write(move |db, actor, origin| async move {
            let mut parts = text.splitn(3, '\n');
            let title = parts.next().unwrap_or_default().trim().to_owned();
            let excerpt = parts.next().unwrap_or_default().trim().to_owned();
            let body = parts.next().unwrap_or_default().trim_start_matches('\n');
            let edit = service::content::ArticleEdit {
                title: &title,
                excerpt: &excerpt,
                body,
            };
            service::content::edit_article(&db, &actor, &origin, id, &edit, seen).await?;
            Ok(Done::about(locale, "toast.article_changed", id))
        })
    })
}

fn set_status(id: i64, to: ArticleStatus, seen: Option<i64>, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        service::content::set_article_status(&db, &actor, &origin, id, to, seen).await?;
        Ok(Done::about(locale, "toast.article_changed", id))
    })
}
