//! Developer workload: developers × the next 8 ISO weeks as a heat grid of planned hours
//! against weekly capacity, with active projects against the maximum.

use chrono::{Datelike, Duration, NaiveDate};
use ratatui::layout::Constraint;

use crate::service::ServiceError;
use crate::service::projects::week_start;
use crate::store::workload::Sort;
use crate::store::{Anchor, Cursor, SortValue};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{DeveloperDetail, Job, WEEKS, WorkloadRow};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, styled};

use super::{Ctx, DetailState, ListScreen, TabId};

pub struct WorkloadScreen {
    pub sort: Sort,
    pub list: ListView<WorkloadRow>,
    pub detail: DetailState<DeveloperDetail>,
    pub from: NaiveDate,
    pub text: Option<String>,
    pub filter_raw: String,
}

impl WorkloadScreen {
    pub fn new(today: NaiveDate) -> WorkloadScreen {
        WorkloadScreen {
            sort: Sort::Id,
            list: ListView::default(),
            detail: DetailState::default(),
            from: week_start(today),
            text: None,
            filter_raw: String::new(),
        }
    }
}

/// The load level of a week, shown by colour AND by a symbol.
const SORTS: [Sort; 3] = [Sort::Id, Sort::Load, Sort::Free];

/// The load level of a week, shown by colour AND by a symbol.
pub fn load_tone(planned: i64, capacity: i64) -> (Tone, &'static str) {
    if capacity <= 0 || planned > capacity {
        (Tone::Danger, "▲")
    } else if planned * 100 >= capacity * 90 {
        (Tone::Warning, "■")
    } else if planned == 0 {
        (Tone::Muted, "·")
    } else {
        (Tone::Ok, "▪")
    }
}

/// This screen's own actions.
const WEEK_BACK: Verb = Verb("week_back");
const WEEK_FORWARD: Verb = Verb("week_forward");

impl ListScreen for WorkloadScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::read(WEEK_BACK, &["["]),
        Declared::read(WEEK_FORWARD, &["]"]),
    ];
    super::screen_fields!(TabId::Workload, WorkloadRow, DeveloperDetail);
    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        let (text, sort, from) = (self.text.clone(), self.sort, self.from);
        Job::new(move |db, _| async move {
            let mut c = db.clone();
            Ok::<_, ServiceError>(
                crate::office::workload::grid(&mut c, text.as_deref(), sort, from, &anchor, limit)
                    .await?,
            )
        })
    }
    fn cursor(&self, row: &WorkloadRow) -> Cursor {
        match self.sort {
            Sort::Id => Cursor::id(row.dev.id),
            _ => Cursor {
                key: Some(SortValue::Int(row.dev.sort_key)),
                id: row.dev.id,
            },
        }
    }
    fn actions(&self, _ctx: &Ctx) -> Vec<crate::ui::action::Action> {
        vec![Action::Screen(WEEK_BACK), Action::Screen(WEEK_FORWARD)]
    }
    fn act(&mut self, action: crate::ui::action::Action, _ctx: &Ctx) -> Option<Vec<super::Effect>> {
        use crate::ui::action::Action;
        let step = match action {
            Action::Screen(WEEK_BACK) => -1,
            Action::Screen(WEEK_FORWARD) => 1,
            _ => return None,
        };
        self.from += Duration::weeks(step);
        Some(vec![super::Effect::Reload])
    }
    fn command(&mut self, name: &str, rest: &str, ctx: &Ctx) -> Option<Vec<super::Effect>> {
        if name != "plan" {
            return None;
        }
        // `:plan DEVELOPER_ID PROJECT_ID YYYY-MM-DD HOURS`
        let parts: Vec<&str> = rest.split_whitespace().collect();
        let parsed = match parts.as_slice() {
            [dev, project, week, hours] => match (
                dev.parse::<i64>(),
                project.parse::<i64>(),
                NaiveDate::parse_from_str(week, "%Y-%m-%d"),
                hours.parse::<i64>(),
            ) {
                (Ok(dev), Ok(project), Ok(week), Ok(hours)) => Some((dev, project, week, hours)),
                _ => None,
            },
            _ => None,
        };
        let locale = ctx.locale;
        Some(vec![match parsed {
            Some((dev, project, week, hours)) => {
                super::Effect::write(Job::write(move |db, actor, origin| async move {
                    crate::service::projects::set_planned_hours(
                        &db, &actor, &origin, dev, project, week, hours,
                    )
                    .await?;
                    Ok(crate::ui::data::Done::about(
                        locale,
                        "toast.hours_planned",
                        dev,
                    ))
                }))
            }
            None => super::Effect::Refuse(ctx.ta(
                "error.usage",
                &[("usage", ":plan DEVELOPER_ID PROJECT_ID YYYY-MM-DD HOURS")],
            )),
        }])
    }
    fn detail_request(&self, row: &WorkloadRow) -> Option<Job> {
        let (id, from) = (row.dev.id, self.from);
        Some(Job::new(move |db, _| async move {
            let d = crate::office::details::developer(&mut db.clone(), id, from).await?;
            Ok::<_, crate::service::ServiceError>((id, d))
        }))
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.text = p.text();
        if let Some(w) = p.number::<u32>(&["week", "semaine"])
            && let Some(d) =
                NaiveDate::from_isoywd_opt(self.from.iso_week().year(), w, chrono::Weekday::Mon)
        {
            self.from = d;
        }
    }
    fn cycle_sort(&mut self, back: bool) {
        self.sort = super::cycle(&SORTS, self.sort, back);
    }
    fn sort_label(&self, ctx: &Ctx) -> String {
        let by = ctx.t(match self.sort {
            Sort::Id => "sort.developer",
            Sort::Load => "sort.load",
            Sort::Free => "sort.free",
        });
        format!(
            "{by} · {}",
            ctx.ta(
                "workload.from_week",
                &[("week", &self.from.iso_week().week().to_string())]
            )
        )
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        let mut cols = vec![
            Column::new(ctx.t("col.developer"), Constraint::Min(16)),
            Column::new(ctx.t("col.availability"), Constraint::Length(12)).optional(),
            Column::new(ctx.t("col.active"), Constraint::Length(7)).right(),
        ];
        for i in 0..WEEKS {
            let w = self.from + Duration::weeks(i as i64);
            let col = Column::new(
                ctx.ta(
                    "workload.week_short",
                    &[("week", &format!("{:02}", w.iso_week().week()))],
                ),
                Constraint::Length(8),
            )
            .right();
            // In a narrow (split) view the later weeks give way before the names do.
            cols.push(if i >= 2 { col.optional() } else { col });
        }
        cols
    }
    fn cells(&self, r: &WorkloadRow, ctx: &Ctx) -> Vec<Cell> {
        let d = &r.dev;
        let active_style = if d.active_projects >= d.max_active_projects {
            ctx.theme.danger
        } else {
            ctx.theme.base
        };
        let mut cells = vec![
            d.name.clone().into(),
            crate::office::format::status("availability", &d.availability, ctx.locale).into(),
            styled(
                format!("{}/{}", d.active_projects, d.max_active_projects),
                active_style,
            ),
        ];
        for h in &r.weeks {
            let (tone, mark) = load_tone(*h, d.weekly_capacity_hours);
            cells.push(styled(
                format!("{mark}{h:>3}/{}", d.weekly_capacity_hours),
                tone.style(ctx.theme),
            ));
        }
        cells
    }
    fn empty_text(&self, ctx: &Ctx) -> String {
        ctx.t("empty.workload")
    }
    fn heading(&self, d: &Self::Detail, _ctx: &Ctx) -> String {
        d.dev.name.clone()
    }
    fn body(&self, d: &DeveloperDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let dev = &d.dev;
        let mut out = vec![
            // The id is what `:plan DEVELOPER_ID PROJECT_ID WEEK HOURS` adjusts.
            DetailLine::Field(
                "#".into(),
                format!("{} · {}", dev.id, ctx.t("workload.plan_hint")),
            ),
            DetailLine::Field(
                ctx.t("col.availability"),
                crate::office::format::status("availability", &dev.availability, ctx.locale),
            ),
            DetailLine::Field(
                ctx.t("col.capacity"),
                format!("{} h", dev.weekly_capacity_hours),
            ),
            DetailLine::Field(
                ctx.t("col.active"),
                format!("{}/{}", dev.active_projects, dev.max_active_projects),
            ),
            DetailLine::Field(ctx.t("col.city"), dev.city.clone().unwrap_or_default()),
        ];
        for i in 0..WEEKS {
            let week = d.from + Duration::weeks(i as i64);
            let lines: Vec<_> = d.lines.iter().filter(|l| l.week_start == week).collect();
            let total: i64 = lines.iter().map(|l| l.planned_hours).sum();
            let (tone, _) = load_tone(total, dev.weekly_capacity_hours);
            out.push(DetailLine::Styled(
                ctx.ta(
                    "workload.week",
                    &[("week", &week.iso_week().week().to_string())],
                ),
                format!("{total}/{} h", dev.weekly_capacity_hours),
                tone,
            ));
            for l in lines {
                out.push(DetailLine::Field(
                    format!("  #{}", l.project_id),
                    format!("{} h · {}", l.planned_hours, l.project_title),
                ));
            }
        }
        out
    }
    fn reference(&self, r: &WorkloadRow) -> String {
        format!("developer #{} {}", r.dev.id, r.dev.name)
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "project" | "workload")
    }
}
