//! Dashboard (a view, `:dashboard`, permission analytics.view): twelve months of the
//! platform in one currency — collected, released, commission and refunded per month with
//! their growth, referred revenue and referral rewards, projects and tickets — as charts
//! above the month table (values printed on
//! the bars and beside each sparkline, so they read without colour). `s` switches the
//! currency, `[` / `]` move the twelve months, Enter on a month opens the commissions paid
//! that month in that currency, `f` the tickets whose SLA breached that month, `d` shows the month's SLA, workload and top developers (read
//! for that month only, so the first paint is the rollup alone).
//! Every figure comes from `office::analytics` (definitions in docs/ANALYTICS.md).

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};

use crate::domain::{Currency, Locale};
use crate::office::analytics::{self, DeveloperEarning, MonthRow, WeekLoad, YearMonth};
use crate::office::format;
use crate::service::ServiceError;
use crate::store::{Anchor, Page};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::Job;
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, Identified, ListView, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId};

mod chart;

/// Months the dashboard shows.
pub const MONTHS: i32 = 12;

/// The selected month's panels.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthPanels {
    pub row: MonthRow,
    pub top: Vec<DeveloperEarning>,
    pub weeks: Vec<WeekLoad>,
}

pub struct DashboardScreen {
    pub list: ListView<MonthRow>,
    pub detail: DetailState<MonthPanels>,
    pub currency: Currency,
    /// The last month shown.
    pub end: YearMonth,
    filter_raw: String,
}

impl DashboardScreen {
    pub fn new(now: DateTime<Utc>) -> DashboardScreen {
        DashboardScreen {
            list: ListView::default(),
            detail: DetailState::default(),
            currency: Currency::ALL[0],
            end: YearMonth::of(now),
            filter_raw: String::new(),
        }
    }
    fn start(&self) -> YearMonth {
        self.end.plus(1 - MONTHS)
    }
}

impl Identified for MonthRow {
    fn row_id(&self) -> i64 {
        i64::from(self.month.year) * 100 + i64::from(self.month.month)
    }
}

/// "+12.5 %", "−3.0 %", "—" (the month before is zero).
pub fn growth_text(g: Option<f64>, locale: Locale) -> String {
    match g {
        Some(v) if v >= 0.0 => format!("+{} %", format::decimal(v, locale)),
        Some(v) => format!("−{} %", format::decimal(-v, locale)),
        None => "—".into(),
    }
}

fn growth_tone(g: Option<f64>) -> Tone {
    match g {
        Some(v) if v > 0.0 => Tone::Ok,
        Some(v) if v < 0.0 => Tone::Danger,
        _ => Tone::Muted,
    }
}

fn percent_text(p: Option<f64>, locale: Locale) -> String {
    p.map(|v| format!("{} %", format::decimal(v, locale)))
        .unwrap_or_else(|| "—".into())
}

/// The dashboard's own actions: twelve months back or forward, another currency, the
/// tickets that breached their SLA in the selected month.
const PREVIOUS_MONTHS: Verb = Verb("previous_months");
const NEXT_MONTHS: Verb = Verb("next_months");
const SWITCH_CURRENCY: Verb = Verb("switch_currency");
const BREACHED_TICKETS: Verb = Verb("breached_tickets");

impl ListScreen for DashboardScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::read(PREVIOUS_MONTHS, &["["]),
        Declared::read(NEXT_MONTHS, &["]"]),
        Declared::read(SWITCH_CURRENCY, &["s"]),
        Declared::read(BREACHED_TICKETS, &["f"]),
    ];
    super::screen_fields!(TabId::Dashboard, MonthRow, MonthPanels);

    fn request(&self, _anchor: Anchor, _limit: u64) -> Job {
        let (from, to, currency) = (self.start(), self.end, self.currency);
        Job::new(move |mut db, _| async move {
            // The SLA figures read tickets: they come with a month's detail, not the first paint.
            let mut rows = analytics::money_and_counts(&mut db, from, to, Some(currency)).await?;
            rows.reverse();
            Ok::<_, ServiceError>(Page {
                rows,
                has_before: false,
                has_after: false,
            })
        })
    }
    fn detail_request(&self, row: &MonthRow) -> Option<Job> {
        let (mut row, currency) = (row.clone(), self.currency);
        Some(Job::new(move |mut db, _| async move {
            let m = row.month;
            row.sla = analytics::sla_by_month(&mut db, m, m)
                .await?
                .remove(&m)
                .unwrap_or_default();
            let top = analytics::top_developers(&mut db, m, m, currency, 5).await?;
            let weeks = analytics::weekly_utilisation(&mut db, m, m).await?;
            let id = row.row_id();
            Ok::<_, ServiceError>((id, MonthPanels { row, top, weeks }))
        }))
    }
    /// The one thing the dashboard is filtered by: its currency (`currency:EUR`); anything
    /// else is said to be unusable, never ignored.
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        if let Some(c) = super::currency_value(p).and_then(|c| Currency::parse(&c).ok()) {
            self.currency = c;
        }
        p.refuse_text();
    }
    fn sort_word(&self, ctx: &Ctx) -> String {
        ctx.t("dashboard.period_word")
    }
    fn sort_label(&self, ctx: &Ctx) -> String {
        ctx.ta(
            "dashboard.period",
            &[
                ("currency", self.currency.code()),
                ("from", &self.start().to_string()),
                ("to", &self.end.to_string()),
            ],
        )
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new(ctx.t("dashboard.month"), Constraint::Length(7)),
            Column::new(ctx.t("dashboard.collected"), Constraint::Length(12)).right(),
            Column::new(ctx.t("dashboard.released"), Constraint::Length(12)).right(),
            Column::new(ctx.t("dashboard.commission"), Constraint::Length(12)).right(),
            Column::new(ctx.t("dashboard.growth"), Constraint::Length(8)).right(),
            Column::new(ctx.t("dashboard.refunded"), Constraint::Length(12))
                .right()
                .optional(),
            Column::new(ctx.t("dashboard.referred"), Constraint::Length(12))
                .right()
                .optional(),
            Column::new(ctx.t("dashboard.rewards"), Constraint::Length(12))
                .right()
                .optional(),
            Column::new(ctx.t("dashboard.projects_done_new"), Constraint::Length(9))
                .right()
                .optional(),
            Column::new(
                ctx.t("dashboard.tickets_solved_opened"),
                Constraint::Length(9),
            )
            .right()
            .optional(),
        ]
    }
    fn cells(&self, r: &MonthRow, ctx: &Ctx) -> Vec<Cell> {
        let m = |v: i64| format::money(v, &r.currency, ctx.locale);
        vec![
            r.month.to_string().into(),
            m(r.collected).into(),
            m(r.released).into(),
            m(r.commission).into(),
            styled(
                growth_text(r.commission_growth, ctx.locale),
                growth_tone(r.commission_growth).style(ctx.theme),
            ),
            m(r.refunded).into(),
            m(r.referred_revenue).into(),
            m(r.referral_rewards).into(),
            format!("{}/{}", r.projects_completed, r.projects_created).into(),
            format!("{}/{}", r.tickets_solved, r.tickets_opened).into(),
        ]
    }
    fn empty_text(&self, ctx: &Ctx) -> String {
        ctx.t("dashboard.empty")
    }
    fn heading(&self, d: &MonthPanels, ctx: &Ctx) -> String {
        ctx.ta(
            "dashboard.heading",
            &[
                ("month", &d.row.month.to_string()),
                ("currency", &d.row.currency),
            ],
        )
    }
    fn body(&self, d: &MonthPanels, ctx: &Ctx) -> Vec<DetailLine> {
        let (r, l) = (&d.row, ctx.locale);
        let m = |v: i64| format::money(v, &r.currency, l);
        let money = |key: &str, v: i64, g: Option<f64>| {
            DetailLine::Styled(
                ctx.t(key),
                format!("{} ({})", m(v), growth_text(g, l)),
                growth_tone(g),
            )
        };
        let mut out = vec![
            money("dashboard.collected", r.collected, r.collected_growth),
            money("dashboard.released", r.released, r.released_growth),
            money("dashboard.commission", r.commission, r.commission_growth),
            money("dashboard.refunded", r.refunded, r.refunded_growth),
            DetailLine::Section(ctx.t("dashboard.referral_section")),
            money(
                "dashboard.referred_revenue",
                r.referred_revenue,
                r.referred_revenue_growth,
            ),
            money(
                "dashboard.referral_rewards",
                r.referral_rewards,
                r.referral_rewards_growth,
            ),
            DetailLine::Field(
                ctx.t("dashboard.reward_share"),
                percent_text(
                    analytics::percent(r.referral_rewards, r.referred_revenue),
                    l,
                ),
            ),
            DetailLine::Section(ctx.t("dashboard.projects_section")),
            DetailLine::Field(ctx.t("dashboard.created"), r.projects_created.to_string()),
            DetailLine::Field(
                ctx.t("dashboard.completed"),
                r.projects_completed.to_string(),
            ),
            DetailLine::Field(
                ctx.t("dashboard.cancelled"),
                r.projects_cancelled.to_string(),
            ),
            DetailLine::Section(ctx.t("dashboard.support_section")),
            DetailLine::Field(ctx.t("dashboard.opened"), r.tickets_opened.to_string()),
            DetailLine::Field(ctx.t("dashboard.solved"), r.tickets_solved.to_string()),
            DetailLine::Field(
                ctx.t("dashboard.first_response_sla"),
                format!(
                    "{} ({})",
                    percent_text(r.sla.first_response_sla, l),
                    r.sla.tickets_answered
                ),
            ),
            DetailLine::Field(
                ctx.t("dashboard.resolution_sla"),
                format!(
                    "{} ({})",
                    percent_text(r.sla.resolution_sla, l),
                    r.sla.tickets_resolved
                ),
            ),
            DetailLine::Field(
                ctx.t("dashboard.median_first_response"),
                r.sla
                    .median_first_response_seconds
                    .map(|s| format::span(s, l))
                    .unwrap_or_else(|| "—".into()),
            ),
            DetailLine::Section(ctx.t("dashboard.workload_section")),
        ];
        if d.weeks.is_empty() {
            out.push(DetailLine::Text(ctx.t("detail.none")));
        }
        for w in &d.weeks {
            out.push(DetailLine::Field(
                w.week_start.format("%Y-%m-%d").to_string(),
                format!(
                    "{} · {} h / {} h",
                    percent_text(w.utilisation, l),
                    w.planned_hours,
                    w.capacity_hours
                ),
            ));
        }
        out.push(DetailLine::Section(ctx.t("dashboard.top_section")));
        if d.top.is_empty() {
            out.push(DetailLine::Text(ctx.t("detail.none")));
        }
        for (i, t) in d.top.iter().enumerate() {
            out.push(DetailLine::Field(
                format!("{}. {}", i + 1, t.name),
                format::money(t.released, &t.currency, l),
            ));
        }
        out
    }
    fn reference(&self, r: &MonthRow) -> String {
        format!("{} {}", r.month, r.currency)
    }
    fn actions(&self, _ctx: &Ctx) -> Vec<Action> {
        Self::ACTIONS
            .iter()
            .map(|d| Action::Screen(d.verb))
            .collect()
    }
    fn action_label(&self, action: Action, ctx: &Ctx) -> Option<String> {
        (action == Action::Open).then(|| ctx.t("dashboard.open_paid"))
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        let step = match action {
            Action::Screen(PREVIOUS_MONTHS) => -1,
            Action::Screen(NEXT_MONTHS) if self.end >= YearMonth::of(ctx.now) => {
                // No month after this one has figures yet.
                return Some(vec![Effect::Refuse(ctx.t("dashboard.no_later"))]);
            }
            Action::Screen(NEXT_MONTHS) => 1,
            // The currencies that have figures in these months, to choose from.
            Action::Screen(SWITCH_CURRENCY) => {
                let (from, to, locale) = (self.start(), self.end, ctx.locale);
                return Some(vec![Effect::Choose(Job::new(
                    move |mut db, _| async move {
                        let rows = analytics::money_and_counts(&mut db, from, to, None).await?;
                        let with_money: std::collections::BTreeSet<String> = rows
                            .into_iter()
                            .filter(|r| r.collected + r.released + r.commission + r.refunded != 0)
                            .map(|r| r.currency)
                            .collect();
                        let options = with_money
                            .into_iter()
                            .map(|c| {
                                let filter = format!("currency:{c}");
                                (
                                    c,
                                    Effect::Visit {
                                        tab: TabId::Dashboard,
                                        filter,
                                    },
                                )
                            })
                            .collect();
                        let title = crate::tr(locale, "dashboard.currencies", &[]);
                        Ok::<_, ServiceError>(super::Choices { title, options })
                    },
                ))]);
            }
            // The tickets whose SLA breached that month.
            Action::Screen(BREACHED_TICKETS) => {
                let r = self.list.current()?;
                return Some(vec![Effect::Visit {
                    tab: TabId::Tickets,
                    filter: format!("breached:{}", r.month),
                }]);
            }
            _ => return None,
        };
        self.end = self.end.plus(step);
        Some(vec![Effect::Reload])
    }
    /// Enter: the commissions paid that month in that currency (what the bar counts).
    fn open(&mut self, _ctx: &Ctx) -> Option<Vec<Effect>> {
        let r = self.list.current()?;
        Some(vec![Effect::Visit {
            tab: TabId::Commissions,
            filter: format!("status:paid paid:{} currency:{}", r.month, r.currency),
        }])
    }
    fn chart_height(&self, area: Rect) -> u16 {
        chart::height(area)
    }
    fn draw_chart(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        chart::draw(self, f, area, ctx);
    }
    fn watches(&self, t: &str) -> bool {
        matches!(
            t,
            "commission" | "escrow" | "payment_transaction" | "project" | "support_ticket"
        )
    }
}
