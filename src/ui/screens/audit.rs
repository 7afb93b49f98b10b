//! The live audit log: every change by anyone (this program, the CLI, the Laravel platform),
//! newest first, with a follow mode and old → new diffs.

use chrono::{NaiveDate, NaiveTime};
use ratatui::layout::Constraint;

use crate::domain::Locale;
use crate::office::{format, history};
use crate::store::audit::{AuditFilter, AuditRow};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::Job;
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView};

use super::{Ctx, DetailState, Effect, ListScreen, TabId};

#[derive(Default)]
pub struct AuditScreen {
    pub list: ListView<AuditRow>,
    /// The audit row is its own detail: no extra query.
    pub detail: DetailState<()>,
    pub filter: AuditFilter,
    pub filter_raw: String,
    pub follow: bool,
}

/// "status: pending → approved, approved by: ∅ → 2", in the staff member's language.
pub fn summary(r: &AuditRow, locale: Locale, currency: Option<&str>) -> String {
    history::summary(r, locale, currency)
}

/// The readable diff of one audit row, field by field.
pub fn diff_lines(r: &AuditRow, locale: Locale, out: &mut Vec<DetailLine>) {
    for [label, before, after] in history::changes(r, locale, None) {
        out.push(DetailLine::Styled(
            label,
            format!("− {before}"),
            Tone::Danger,
        ));
        out.push(DetailLine::Styled(
            String::new(),
            format!("+ {after}"),
            Tone::Ok,
        ));
    }
}

/// A record's history section for other screens' detail panes.
pub fn history_lines(history: &[AuditRow], ctx: &Ctx, out: &mut Vec<DetailLine>) {
    history_lines_in(history, ctx, None, out);
}

/// The history of a money record: amounts in its currency.
pub fn history_lines_in(
    history: &[AuditRow],
    ctx: &Ctx,
    currency: Option<&str>,
    out: &mut Vec<DetailLine>,
) {
    // A record's history is the audit log's: not shown without audit.view.
    if !ctx.actor.can(crate::domain::Permission::AuditView) {
        return;
    }
    out.push(DetailLine::Section(ctx.t("detail.history")));
    if history.is_empty() {
        out.push(DetailLine::Text(ctx.t("detail.none")));
    }
    for h in history {
        out.push(DetailLine::Field(
            format::when(h.created_at, ctx.now, ctx.locale),
            format!(
                "{} · {} · {}",
                h.user_name.clone().unwrap_or_else(|| ctx.t("audit.system")),
                format::status("event", &h.event, ctx.locale),
                summary(h, ctx.locale, currency)
            ),
        ));
    }
}

fn day(d: NaiveDate, end: bool) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = if end { d.succ_opt()? } else { d };
    Some(d.and_time(NaiveTime::MIN).and_utc())
}

impl AuditScreen {
    pub fn filter_subject(&mut self, subject_type: &str, id: Option<i64>, ctx: &Ctx) {
        let raw = match id {
            Some(id) => format!("type:{subject_type} id:{id}"),
            None => format!("user:{subject_type}"),
        };
        let parsed = ParsedFilter::parse(&raw);
        self.set_filter(&raw, &parsed, ctx);
    }
}

/// This screen's own actions.
const FOLLOW: Verb = Verb("follow");

impl ListScreen for AuditScreen {
    const ACTIONS: &'static [Declared] = &[Declared::read(FOLLOW, &["f"])];
    super::screen_fields!(TabId::Audit, AuditRow, ());
    super::list_request!(crate::store::audit::page);

    fn detail_request(&self, _row: &AuditRow) -> Option<Job> {
        None
    }
    fn export_header(&self) -> Vec<&'static str> {
        vec!["created_at_utc", "event_code", "old_values", "new_values"]
    }
    fn export_values(&self, r: &AuditRow) -> Vec<String> {
        let json =
            |v: &Option<serde_json::Value>| v.as_ref().map(|j| j.to_string()).unwrap_or_default();
        vec![
            super::utc(r.created_at),
            r.event.clone(),
            json(&r.old_values),
            json(&r.new_values),
        ]
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.filter = AuditFilter {
            user_id: None,
            actor: p.first(&["user", "actor", "par"]).or_else(|| p.text()),
            auditable_type: p.first(&["type"]),
            auditable_id: p.number(&["id"]),
            event: p.first(&["event", "evenement"]),
            from: p.date(&["from", "du", "since"]).and_then(|d| day(d, false)),
            to: p.date(&["to", "au", "until"]).and_then(|d| day(d, true)),
        };
    }
    fn sort_label(&self, ctx: &Ctx) -> String {
        if self.follow {
            ctx.t("audit.following")
        } else {
            ctx.t("sort.newest")
        }
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new("#", Constraint::Length(8)).right(),
            Column::new(ctx.t("col.when"), Constraint::Length(13)).optional(),
            Column::new(ctx.t("col.actor"), Constraint::Fill(2)),
            Column::new(ctx.t("col.event"), Constraint::Length(15)).optional(),
            Column::new(ctx.t("col.subject"), Constraint::Length(22)),
            Column::new(ctx.t("col.changes"), Constraint::Fill(4)),
        ]
    }
    fn cells(&self, r: &AuditRow, ctx: &Ctx) -> Vec<Cell> {
        vec![
            r.id.to_string().into(),
            format::when(r.created_at, ctx.now, ctx.locale).into(),
            r.user_name
                .clone()
                .unwrap_or_else(|| ctx.t("audit.system"))
                .into(),
            format::status("event", &r.event, ctx.locale).into(),
            format!(
                "{} #{}",
                format::status("subject", &r.auditable_type, ctx.locale),
                r.auditable_id
            )
            .into(),
            summary(r, ctx.locale, None).into(),
        ]
    }
    fn heading(&self, _: &(), ctx: &Ctx) -> String {
        self.detail_title(ctx)
    }
    /// The row itself is the detail: its title is there before anything loads.
    fn detail_title(&self, ctx: &Ctx) -> String {
        self.list
            .current()
            .map(|r| {
                format!(
                    "{} #{} · {}",
                    format::status("subject", &r.auditable_type, ctx.locale),
                    r.auditable_id,
                    format::status("event", &r.event, ctx.locale)
                )
            })
            .unwrap_or_else(|| ctx.t("detail.loading"))
    }
    fn body(&self, _: &(), ctx: &Ctx) -> Vec<DetailLine> {
        self.detail_lines(ctx)
    }
    /// The row itself is the detail: its lines are there before anything loads.
    fn detail_lines(&self, ctx: &Ctx) -> Vec<DetailLine> {
        let Some(r) = self.list.current() else {
            return Vec::new();
        };
        let mut out = vec![
            DetailLine::Field("#".into(), r.id.to_string()),
            DetailLine::Field(
                ctx.t("col.when"),
                format::absolute(r.created_at, ctx.locale),
            ),
            DetailLine::Field(
                ctx.t("col.actor"),
                r.user_name.clone().unwrap_or_else(|| ctx.t("audit.system")),
            ),
            DetailLine::Field(
                ctx.t("col.event"),
                format!(
                    "{} ({})",
                    format::status("event", &r.event, ctx.locale),
                    r.event
                ),
            ),
            DetailLine::Field(
                ctx.t("col.subject"),
                format!(
                    "{} #{}",
                    format::status("subject", &r.auditable_type, ctx.locale),
                    r.auditable_id
                ),
            ),
            DetailLine::Field(
                ctx.t("audit.origin"),
                format!(
                    "{} {}",
                    r.url.clone().unwrap_or_default(),
                    r.user_agent.clone().unwrap_or_default()
                ),
            ),
            DetailLine::Section(ctx.t("detail.changes")),
        ];
        diff_lines(r, ctx.locale, &mut out);
        out
    }
    fn reference(&self, r: &AuditRow) -> String {
        format!("audit #{} ({} #{})", r.id, r.auditable_type, r.auditable_id)
    }
    fn actions(&self, _ctx: &Ctx) -> Vec<Action> {
        vec![Action::Screen(FOLLOW)]
    }
    /// `f`: follow the log live (new rows come in at the top), or stop.
    fn act(&mut self, action: Action, _ctx: &Ctx) -> Option<Vec<Effect>> {
        (action == Action::Screen(FOLLOW)).then_some(())?;
        self.follow = !self.follow;
        Some(match self.follow {
            true => vec![Effect::Reload],
            false => Vec::new(),
        })
    }
    fn watches(&self, _t: &str) -> bool {
        true
    }
}
