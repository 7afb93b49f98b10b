//! Projects: every project with status, client, developer, budget and deadline.

use ratatui::layout::Constraint;

use crate::domain::{Permission, ProjectStatus};
use crate::ui::action::{Action, Declared, Verb};

use crate::office;
use crate::office::format;
use crate::service;
use crate::store::projects::{Filter, ProjectRow, Sort};
use crate::ui::data::{Done, Job, ProjectDetail};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, styled};

use super::{Choices, Ctx, DetailState, Effect, ListScreen, TabId, codes, status_values};

#[derive(Default)]
pub struct ProjectsScreen {
    pub list: ListView<ProjectRow>,
    pub detail: DetailState<ProjectDetail>,
    pub sort: Sort,
    pub filter: Filter,
    pub filter_raw: String,
}

pub fn status_tone(status: &str) -> Tone {
    match status {
        "completed" => Tone::Ok,
        "disputed" | "cancelled" => Tone::Danger,
        "revision_requested" | "delivered" => Tone::Warning,
        "draft" => Tone::Muted,
        _ => Tone::Plain,
    }
}

/// This screen's own actions.
const ASSIGN_TO: Verb = Verb("assign_to");
const SET_STATUS: Verb = Verb("set_status");
const REPLY: Verb = Verb("reply");
const NOTE: Verb = Verb("note");

impl ListScreen for ProjectsScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(ASSIGN_TO, &["A"], Permission::ProjectsAssign),
        Declared::write(SET_STATUS, &["t"], Permission::ProjectsTransition),
        Declared::write(REPLY, &["c"], Permission::ProjectsTransition),
        Declared::write(NOTE, &["i"], Permission::ProjectsTransition),
    ];
    const SUBJECT: Option<&'static str> = Some("project");

    super::screen_fields!(TabId::Projects, ProjectRow, ProjectDetail);
    super::list_request!(crate::store::projects::page, sorted);
    super::detail_request!(office::details::project);
    super::sorted_by!(
        Sort::Newest => "sort.newest",
        Sort::Deadline => "sort.deadline",
        Sort::Budget => "sort.budget",
    );

    fn export_header(&self) -> Vec<&'static str> {
        vec![
            "budget_minor",
            "agreed_minor",
            "currency",
            "status_code",
            "deadline_utc",
            "created_at_utc",
        ]
    }
    fn export_values(&self, r: &ProjectRow) -> Vec<String> {
        vec![
            r.budget_amount.to_string(),
            r.agreed_amount.map(|a| a.to_string()).unwrap_or_default(),
            r.currency.clone(),
            r.status.clone(),
            super::utc(r.deadline_at),
            super::utc(r.created_at),
        ]
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.filter = Filter {
            statuses: status_values(p, &codes(ProjectStatus::ALL)),
            text: p.text(),
            client: p.first(&["client"]),
            developer: p.first(&["dev", "developer", "developpeur"]),
            developer_id: None,
            client_id: None,
            party_id: None,
            currency: super::currency_value(p),
            overdue_at: (p.flag("overdue") || p.flag("retard")).then_some(ctx.now),
        };
        if p.flag("overdue") || p.flag("retard") {
            self.filter.text = self
                .filter
                .text
                .take()
                .map(|t| {
                    t.replace("overdue", "")
                        .replace("retard", "")
                        .trim()
                        .to_owned()
                })
                .filter(|t| !t.is_empty());
        }
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new("#", Constraint::Length(6)).right(),
            Column::new(ctx.t("col.title"), Constraint::Fill(3)),
            Column::new(ctx.t("col.client"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("col.developer"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("col.status"), Constraint::Length(14)),
            Column::new(ctx.t("col.budget"), Constraint::Length(16)).right(),
            Column::new(ctx.t("col.deadline"), Constraint::Length(14)).optional(),
        ]
    }
    fn cells(&self, r: &ProjectRow, ctx: &Ctx) -> Vec<Cell> {
        let overdue = r.deadline_at.is_some_and(|d| d < ctx.now)
            && crate::domain::ProjectStatus::parse(&r.status).is_ok_and(|s| s.is_active());
        let deadline = format::when(r.deadline_at, ctx.now, ctx.locale);
        vec![
            r.id.to_string().into(),
            r.title.clone().into(),
            r.client_name.clone().into(),
            r.developer_name
                .clone()
                .unwrap_or_else(|| "—".into())
                .into(),
            styled(
                format::status("project", &r.status, ctx.locale),
                status_tone(&r.status).style(ctx.theme),
            ),
            format::money(
                r.agreed_amount.unwrap_or(r.budget_amount),
                &r.currency,
                ctx.locale,
            )
            .into(),
            if overdue {
                styled(format!("⚠ {deadline}"), ctx.theme.danger)
            } else {
                deadline.into()
            },
        ]
    }
    fn heading(&self, d: &Self::Detail, _ctx: &Ctx) -> String {
        d.project.title.clone()
    }
    fn body(&self, d: &ProjectDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let p = &d.project;
        let l = ctx.locale;
        let mut out = vec![
            DetailLine::Field(ctx.t("col.reference"), format!("#{} · {}", p.id, p.slug)),
            DetailLine::Styled(
                ctx.t("col.status"),
                format::status("project", &p.status, l),
                status_tone(&p.status),
            ),
            DetailLine::Field(ctx.t("col.client"), p.client_name.clone()),
            DetailLine::Field(
                ctx.t("col.developer"),
                p.developer_name.clone().unwrap_or_else(|| "—".into()),
            ),
            DetailLine::Field(
                ctx.t("col.budget"),
                format::money(p.budget_amount, &p.currency, l),
            ),
            DetailLine::Field(
                ctx.t("col.agreed"),
                p.agreed_amount
                    .map(|a| format::money(a, &p.currency, l))
                    .unwrap_or_else(|| "—".into()),
            ),
            DetailLine::Field(
                ctx.t("col.estimated_hours"),
                p.estimated_hours
                    .map(|h| format!("{h} h"))
                    .unwrap_or_else(|| "—".into()),
            ),
            DetailLine::Field(
                ctx.t("detail.needed_skills"),
                if p.skills.is_empty() {
                    "—".into()
                } else {
                    p.skills.join(", ")
                },
            ),
            DetailLine::Section(ctx.t("detail.milestones")),
            DetailLine::Field(ctx.t("detail.created"), format::absolute(p.created_at, l)),
            DetailLine::Field(ctx.t("detail.assigned"), format::absolute(p.assigned_at, l)),
            DetailLine::Field(ctx.t("detail.started"), format::absolute(p.started_at, l)),
            DetailLine::Field(
                ctx.t("detail.delivered"),
                format::absolute(p.delivered_at, l),
            ),
            DetailLine::Field(
                ctx.t("detail.completed"),
                format::absolute(p.completed_at, l),
            ),
            DetailLine::Field(ctx.t("col.deadline"), format::absolute(p.deadline_at, l)),
        ];
        out.push(DetailLine::Section(ctx.t("tab.commissions")));
        if d.commissions.is_empty() {
            out.push(DetailLine::Text(ctx.t("detail.none")));
        }
        for c in &d.commissions {
            out.push(DetailLine::Field(
                format!("#{}", c.id),
                format!(
                    "{} · {}",
                    format::money(c.amount, &c.currency, l),
                    format::status("commission", &c.status, l)
                ),
            ));
        }
        if let Some(dev) = &d.developer {
            out.push(DetailLine::Section(ctx.t("col.developer")));
            out.push(DetailLine::Field(
                ctx.t("col.availability"),
                format::status("availability", &dev.availability, ctx.locale),
            ));
            out.push(DetailLine::Field(
                ctx.t("col.capacity"),
                format!(
                    "{} h · {} {}",
                    dev.weekly_capacity_hours,
                    dev.max_active_projects,
                    ctx.t("detail.max_projects")
                ),
            ));
            out.push(DetailLine::Field(
                ctx.t("detail.skills"),
                dev.skills.join(", "),
            ));
            out.push(DetailLine::Field(
                ctx.t("col.city"),
                dev.city.clone().unwrap_or_default(),
            ));
        }
        out.push(DetailLine::Section(ctx.t("detail.reviews")));
        if d.reviews.is_empty() {
            out.push(DetailLine::Text(ctx.t("detail.none")));
        }
        for (r, by) in &d.reviews {
            let stars = "★".repeat(r.rating.clamp(0, 5) as usize);
            let hidden = if r.hidden_at.is_some() {
                format!(" [{}]", ctx.t("detail.hidden"))
            } else {
                String::new()
            };
            out.push(DetailLine::Field(
                format!("{by} {stars}"),
                format!("{}{hidden}", r.comment.clone().unwrap_or_default()),
            ));
        }
        out.push(DetailLine::Section(
            ctx.ta("detail.thread", &[("n", &d.messages.len().to_string())]),
        ));
        super::thread_lines(&d.messages, ctx, &mut out);
        super::audit::history_lines(&d.history, ctx, &mut out);
        out
    }
    fn reference(&self, r: &ProjectRow) -> String {
        format!("project #{} {}", r.id, r.slug)
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        if ctx.may(Permission::ProjectsAssign) {
            out.push(Action::Screen(ASSIGN_TO));
        }
        if ctx.may(Permission::ProjectsTransition) {
            out.extend([
                Action::Screen(SET_STATUS),
                Action::Screen(REPLY),
                Action::Screen(NOTE),
            ]);
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        if !self.actions(ctx).contains(&action) || action == Action::History {
            return None;
        }
        let r = self.list.current()?;
        let (id, seen, l) = (r.id, Some(r.lock_version), ctx.locale);
        match action {
            Action::Screen(ASSIGN_TO) => Some(vec![Effect::Choose(developers(r, ctx.now, l))]),
            Action::Screen(REPLY) | Action::Screen(NOTE) => {
                let internal = action == Action::Screen(NOTE);
                let key = if internal {
                    "compose.project_note_title"
                } else {
                    "compose.project_message_title"
                };
                let title = ctx.ta(key, &[("title", &r.title), ("client", &r.client_name)]);
                Some(vec![Effect::Compose {
                    title,
                    purpose: message(id, internal, l),
                }])
            }
            Action::Screen(SET_STATUS) => {
                // Only the moves the state machine allows; `assigned` goes through A.
                let from = ProjectStatus::parse(&r.status).ok()?;
                let options: Vec<_> = from
                    .next_states()
                    .into_iter()
                    .filter(|to| *to != ProjectStatus::Assigned)
                    .map(|to| {
                        let change = move |reason: Option<String>| {
                            Job::write(move |db, actor, origin| async move {
                                let reason = reason.as_deref();
                                service::projects::transition(
                                    &db, &actor, &origin, id, to, reason, seen,
                                )
                                .await?;
                                Ok(Done::about(l, "toast.project_changed", id))
                            })
                        };
                        let label = format::status("project", to.as_str(), ctx.locale);
                        // No way back from there: why, first (kept in the audit row).
                        let then = if to.next_states().is_empty() {
                            let key = format!("project-{id}-{}", to.as_str());
                            Effect::Compose {
                                title: ctx.ta(
                                    "compose.project_final_title",
                                    &[("title", &r.title), ("to", &label)],
                                ),
                                purpose: super::Compose::new(
                                    key,
                                    super::TextSize::Reason,
                                    move |text| change(Some(text)),
                                ),
                            }
                        } else {
                            Effect::write(change(None))
                        };
                        (label, then)
                    })
                    .collect();
                if options.is_empty() {
                    return Some(vec![Effect::Toast(ctx.t("toast.no_move"))]);
                }
                Some(vec![Effect::Pick {
                    title: ctx.ta("picker.project_status", &[("title", &r.title)]),
                    options,
                }])
            }
            _ => None,
        }
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "project" | "commission")
    }
}

/// A message to the project's parties, or an internal note, composed (drafts kept) then posted.
fn message(id: i64, internal: bool, locale: crate::domain::Locale) -> super::Compose {
    let kind = if internal { "note" } else { "message" };
    super::Compose::new(
        format!("project-{id}-{kind}"),
        super::TextSize::Reply,
        move |body| {
            Job::write(move |db, actor, origin| async move {
                service::conversations::post(&db, &actor, &origin, id, &body, internal).await?;
                let key = if internal {
                    "toast.project_noted"
                } else {
                    "toast.project_messaged"
                };
                Ok(Done::about(locale, key, id))
            })
        },
    )
}

/// Why a developer fits the work: "skills 2/3: Laravel, Vue.js"; their own skills when the
/// project names none.
fn fit(needed: &[String], held: &[String], locale: crate::domain::Locale) -> String {
    if needed.is_empty() {
        return held.join(", ");
    }
    let matching = office::workload::matching_skills(needed, held);
    let (n, of) = (matching.len().to_string(), needed.len().to_string());
    if matching.is_empty() {
        return crate::tr(locale, "picker.skills_fit", &[("n", &n), ("of", &of)]);
    }
    let list = matching.join(", ");
    let args = [
        ("n", n.as_str()),
        ("of", of.as_str()),
        ("list", list.as_str()),
    ];
    crate::tr(locale, "picker.skills_fit_list", &args)
}

/// Developers ranked by free capacity for the project's plan, offered in a picker. Those
/// without room stay offered, marked: choosing one is refused with the numbers.
fn developers(
    project: &ProjectRow,
    now: chrono::DateTime<chrono::Utc>,
    locale: crate::domain::Locale,
) -> Job {
    let (project, seen) = (project.clone(), Some(project.lock_version));
    Job::new(move |mut db, _| async move {
        let (list, hours) =
            office::workload::candidates(&mut db, &project, now.date_naive(), 50).await?;
        let t = |key: &str| crate::tr(locale, key, &[]);
        let project_id = project.id;
        let options = list
            .iter()
            .map(|c| {
                let full = c.free < hours || c.active_projects >= c.max_active_projects;
                let label = format!(
                    "{}{} · {} · {} {} h · {} {}/{} · {}",
                    if full { "⚠ " } else { "" },
                    c.name,
                    format::status("availability", &c.availability, locale),
                    t("picker.free"),
                    c.free,
                    t("col.active"),
                    c.active_projects,
                    c.max_active_projects,
                    fit(&project.skills, &c.skills, locale),
                );
                let developer_id = c.id;
                let assign = Job::write(move |db, actor, origin| async move {
                    service::projects::assign_developer(
                        &db,
                        &actor,
                        &origin,
                        project_id,
                        developer_id,
                        seen,
                    )
                    .await?;
                    Ok(Done::about(locale, "toast.project_changed", project_id))
                });
                // A busy developer, or one without the room the plan needs: asked first.
                let then = if full || c.availability == "busy" {
                    let (free, need) = (c.free.to_string(), hours.to_string());
                    let args = [("name", c.name.as_str()), ("free", &free), ("hours", &need)];
                    Effect::Confirm {
                        title: crate::tr(locale, "confirm.title", &[]),
                        question: crate::tr(locale, "picker.busy_confirm", &args),
                        job: assign,
                    }
                } else {
                    Effect::write(assign)
                };
                (label, then)
            })
            .collect();
        let hours = hours.to_string();
        let args = [("title", project.title.as_str()), ("hours", hours.as_str())];
        Ok(Choices {
            title: crate::tr(locale, "picker.developer", &args),
            options,
        })
    })
}
