//! The support triage queue: soonest SLA deadline first, with the SLA countdown per ticket.

use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use ratatui::layout::Constraint;

use crate::domain::sla::{SlaReading, SlaTarget};
use crate::domain::{Permission, SlaState, TicketPriority, TicketStatus};
use crate::office;
use crate::office::format;
use crate::service::ServiceError;
use crate::store::Anchor;
use crate::store::tickets::{Filter, Sort, TicketRow};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Job, TicketDetail};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId, codes, status_values};

pub mod jobs;

pub struct TicketsScreen {
    pub list: ListView<TicketRow>,
    pub detail: DetailState<TicketDetail>,
    pub sort: Sort,
    pub filter: Filter,
    pub filter_raw: String,
    /// Others looking at (and typing in) the open ticket: (ticket id, [(name, typing)]).
    pub presence: Option<(i64, Vec<(String, bool)>)>,
    /// The app's clock as last seen, and when: lists are read with SLA clocks counted at the
    /// instant the screen shows them (a paused clock sorts at now + its frozen time left).
    clock: Mutex<(DateTime<Utc>, Instant)>,
}

/// The triage queue shows what still needs work; `status:all` shows everything.
pub const OPEN_FILTER: &str = "status:new,open,pending,on_hold";

impl Default for TicketsScreen {
    fn default() -> Self {
        TicketsScreen {
            list: ListView::default(),
            detail: DetailState::default(),
            sort: Sort::default(),
            filter: Filter {
                statuses: ["new", "open", "pending", "on_hold"]
                    .map(String::from)
                    .to_vec(),
                ..Filter::default()
            },
            filter_raw: OPEN_FILTER.to_owned(),
            presence: None,
            clock: Mutex::new((Utc::now(), Instant::now())),
        }
    }
}

impl TicketsScreen {
    /// The screen on the app's clock at `now`.
    pub fn new(now: DateTime<Utc>) -> TicketsScreen {
        let screen = TicketsScreen::default();
        screen.see(now);
        screen
    }

    /// Follows the app's clock (it is shown `now`).
    fn see(&self, now: DateTime<Utc>) {
        if let Ok(mut clock) = self.clock.lock() {
            *clock = (now, Instant::now());
        }
    }

    /// The app's clock now: as last seen, moved on by the whole minutes since (the SLA column
    /// moves by the minute too).
    fn now(&self) -> DateTime<Utc> {
        let (seen, at) = self
            .clock
            .lock()
            .map(|c| *c)
            .unwrap_or_else(|_| (Utc::now(), Instant::now()));
        let minutes = (at.elapsed().as_secs() / 60) as i64;
        seen + TimeDelta::minutes(minutes)
    }
}

/// The SLA of a ticket: the countdown of the clock still running (to the first response while
/// none was given, then to the resolution) with a symbol, or the verdict of a solved ticket;
/// and its tone (never colour alone).
pub fn sla_cell(r: &TicketRow, ctx: &Ctx) -> (String, Tone) {
    match r.sla().reading(ctx.now) {
        Some(reading) => sla_text(&reading, ctx),
        None => ("—".into(), Tone::Muted),
    }
}

fn sla_text(reading: &SlaReading, ctx: &Ctx) -> (String, Tone) {
    let Some((_, left)) = reading.clock else {
        return match reading.state {
            SlaState::Breached => ("✕".into(), Tone::Danger),
            _ => ("✓".into(), Tone::Muted),
        };
    };
    let text = format::span(left.num_seconds(), ctx.locale);
    match reading.state {
        SlaState::Paused => (format!("‖ {text}"), Tone::Muted),
        SlaState::Breached => (format!("✕ {text}"), Tone::Danger),
        SlaState::Warning => (format!("! {text}"), Tone::Warning),
        SlaState::Ok | SlaState::Met => (text, Tone::Ok),
    }
}

/// The SLA detail line: the cell, what its clock counts to, the targets met late.
fn sla_detail(r: &TicketRow, ctx: &Ctx) -> (String, Tone) {
    let Some(reading) = r.sla().reading(ctx.now) else {
        return ("—".into(), Tone::Muted);
    };
    let (cell, tone) = sla_text(&reading, ctx);
    let mut parts = vec![cell];
    match reading.clock {
        Some((SlaTarget::FirstResponse, _)) => parts.push(ctx.t("sla.first_response")),
        Some((SlaTarget::Resolution, _)) => parts.push(ctx.t("sla.resolution")),
        None if reading.state == SlaState::Met => parts.push(ctx.t("sla.met")),
        None => {}
    }
    let late: Vec<String> = reading
        .missed
        .iter()
        .flatten()
        .map(|t| match t {
            SlaTarget::FirstResponse => ctx.t("sla.first_response_late"),
            SlaTarget::Resolution => ctx.t("sla.resolution_late"),
        })
        .collect();
    if !late.is_empty() {
        parts.push(late.join(", "));
    }
    (parts.join(" · "), tone)
}

fn priority_tone(p: &str) -> Tone {
    match p {
        "urgent" => Tone::Danger,
        "high" => Tone::Warning,
        "low" => Tone::Muted,
        _ => Tone::Plain,
    }
}

/// This screen's own actions.
const ASSIGN_ME: Verb = Verb("assign_me");
const ASSIGN_TO: Verb = Verb("assign_to");
const REPLY: Verb = Verb("reply");
const NOTE: Verb = Verb("note");
const SET_STATUS: Verb = Verb("set_status");
const SET_PRIORITY: Verb = Verb("set_priority");
const LINK_PROJECT: Verb = Verb("link_project");

impl ListScreen for TicketsScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(ASSIGN_ME, &["m"], Permission::TicketsAssign),
        Declared::write(ASSIGN_TO, &["A"], Permission::TicketsAssign),
        Declared::write(REPLY, &["c"], Permission::TicketsReply),
        Declared::write(NOTE, &["i"], Permission::TicketsReply),
        Declared::write(SET_STATUS, &["t"], Permission::TicketsReply),
        Declared::write(SET_PRIORITY, &["P"], Permission::TicketsReply),
        Declared::write(LINK_PROJECT, &["L"], Permission::TicketsReply),
    ];
    const SUBJECT: Option<&'static str> = Some("support_ticket");

    super::screen_fields!(TabId::Tickets, TicketRow, TicketDetail);
    super::detail_request!(office::details::ticket, 200);
    super::sorted_by!(
        Sort::Due => "sort.sla",
        Sort::Newest => "sort.newest",
        Sort::Oldest => "sort.oldest",
    );

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        let (mut filter, sort) = (self.filter.clone(), self.sort);
        // SLA clocks are read at the screen's instant, so the order and `breached` agree
        // with the SLA column it draws.
        let now = self.now();
        filter.now = Some(now);
        if filter.breached_at.is_some() {
            filter.breached_at = Some(now);
        }
        Job::new(move |db, _| async move {
            Ok::<_, ServiceError>(
                crate::store::tickets::page(&mut db.clone(), &filter, sort, &anchor, limit).await?,
            )
        })
    }
    fn export_header(&self) -> Vec<&'static str> {
        vec![
            "status_code",
            "priority_code",
            "category_code",
            "created_at_utc",
            "first_response_due_utc",
            "resolution_due_utc",
            "resolved_at_utc",
        ]
    }
    fn export_values(&self, r: &TicketRow) -> Vec<String> {
        vec![
            r.status.clone(),
            r.priority.clone(),
            r.category.clone(),
            super::utc(r.created_at),
            super::utc(r.first_response_due_at),
            super::utc(r.resolution_due_at),
            super::utc(r.resolved_at),
        ]
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, ctx: &Ctx) {
        self.see(ctx.now);
        self.filter_raw = raw.to_owned();
        let flags = ["mine", "moi", "unassigned", "libre", "breached", "depasse"];
        let text = p
            .text()
            .map(|t| {
                t.split(' ')
                    .filter(|w| !flags.contains(w))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|t| !t.is_empty());
        let statuses = status_values(p, &codes(TicketStatus::ALL));
        self.filter = Filter {
            statuses,
            priorities: p.choices(&["priority", "priorite"], &codes(TicketPriority::ALL)),
            category: p.choice(
                &["category", "categorie"],
                &codes(crate::domain::TicketCategory::ALL),
            ),
            assignee_id: (p.flag("mine") || p.flag("moi")).then_some(ctx.actor.id),
            unassigned: p.flag("unassigned") || p.flag("libre"),
            breached_at: (p.flag("breached") || p.flag("depasse")).then_some(ctx.now),
            // `breached:2026-11`: what breached that month (and has, by now).
            breached_between: p.period(&["breached", "depasse"]).map(|(from, to)| {
                let at = |d: chrono::NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
                (at(from), at(to).min(ctx.now))
            }),
            // The screen's clock, when the list is read.
            now: None,
            text,
        };
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        self.see(ctx.now);
        vec![
            Column::new(ctx.t("col.reference"), Constraint::Length(15)),
            Column::new(ctx.t("col.subject"), Constraint::Fill(3)),
            Column::new(ctx.t("col.requester"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("col.assignee"), Constraint::Fill(1)).optional(),
            Column::new(ctx.t("col.priority"), Constraint::Length(8)),
            Column::new(ctx.t("col.status"), Constraint::Length(11)),
            Column::new(ctx.t("col.category"), Constraint::Length(10)).optional(),
            Column::new("SLA", Constraint::Length(9)).right(),
            Column::new(ctx.t("col.activity"), Constraint::Length(12)).optional(),
        ]
    }
    fn cells(&self, r: &TicketRow, ctx: &Ctx) -> Vec<Cell> {
        let (sla, tone) = sla_cell(r, ctx);
        vec![
            r.reference.clone().into(),
            r.subject.clone().into(),
            r.requester_name.clone().into(),
            r.assignee_name.clone().unwrap_or_else(|| "—".into()).into(),
            styled(
                format::status("priority", &r.priority, ctx.locale),
                priority_tone(&r.priority).style(ctx.theme),
            ),
            format::status("ticket", &r.status, ctx.locale).into(),
            format::status("category", &r.category, ctx.locale).into(),
            styled(sla, tone.style(ctx.theme)),
            format::when(r.last_activity_at, ctx.now, ctx.locale).into(),
        ]
    }
    fn heading(&self, d: &Self::Detail, _ctx: &Ctx) -> String {
        d.row.reference.clone()
    }
    fn body(&self, d: &TicketDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (r, l) = (&d.row, ctx.locale);
        let (sla, tone) = sla_detail(r, ctx);
        let mut out = vec![
            DetailLine::Field(ctx.t("col.subject"), r.subject.clone()),
            DetailLine::Field(ctx.t("col.status"), format::status("ticket", &r.status, l)),
            DetailLine::Styled(
                ctx.t("col.priority"),
                format::status("priority", &r.priority, l),
                priority_tone(&r.priority),
            ),
            DetailLine::Field(
                ctx.t("col.category"),
                format::status("category", &r.category, l),
            ),
            DetailLine::Field(ctx.t("col.requester"), r.requester_name.clone()),
            DetailLine::Field(
                ctx.t("col.assignee"),
                r.assignee_name.clone().unwrap_or_else(|| "—".into()),
            ),
            DetailLine::Field(
                ctx.t("col.project"),
                r.project_id
                    .map(|p| format!("#{p}"))
                    .unwrap_or_else(|| "—".into()),
            ),
            DetailLine::Styled("SLA".into(), sla, tone),
            DetailLine::Field(
                ctx.t("detail.first_response_due"),
                format::absolute(r.first_response_due_at, l),
            ),
            DetailLine::Field(
                ctx.t("detail.first_responded"),
                format::absolute(r.first_responded_at, l),
            ),
            DetailLine::Field(
                ctx.t("detail.resolution_due"),
                format::absolute(r.resolution_due_at, l),
            ),
        ];
        if r.resolved_at.is_some() {
            out.push(DetailLine::Field(
                ctx.t("sla.solved"),
                format::absolute(r.resolved_at, l),
            ));
        }
        if let Some((_, reference)) = &d.follows {
            out.push(DetailLine::Field(
                ctx.t("detail.follows"),
                reference.clone(),
            ));
        }
        if !d.follow_ups.is_empty() {
            let references: Vec<&str> = d.follow_ups.iter().map(|(_, r)| r.as_str()).collect();
            out.push(DetailLine::Field(
                ctx.t("detail.follow_ups"),
                references.join(", "),
            ));
        }
        if let Some(resolution) = &d.resolution {
            out.push(DetailLine::Field(
                ctx.t("sla.resolution_text"),
                resolution.clone(),
            ));
        }
        out.push(DetailLine::Section(ctx.t("detail.message")));
        // A huge body is cut for display; the full text stays in the database.
        let body: String = d.body.chars().take(4000).collect();
        out.push(DetailLine::Text(if d.body.chars().count() > 4000 {
            format!("{body}…")
        } else {
            body
        }));
        out.push(DetailLine::Section(
            ctx.ta("detail.thread", &[("n", &d.messages.len().to_string())]),
        ));
        if d.messages.is_empty() {
            out.push(DetailLine::Text(ctx.t("detail.no_messages")));
        }
        super::thread_lines(&d.messages, ctx, &mut out);
        super::audit::history_lines(&d.history, ctx, &mut out);
        out
    }
    fn reference(&self, r: &TicketRow) -> String {
        r.reference.clone()
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        if ctx.may(Permission::TicketsAssign) {
            out.extend([Action::Screen(ASSIGN_ME), Action::Screen(ASSIGN_TO)]);
        }
        if ctx.may(Permission::TicketsReply) {
            out.extend([
                Action::Screen(REPLY),
                Action::Screen(NOTE),
                Action::Screen(SET_STATUS),
                Action::Screen(SET_PRIORITY),
                Action::Screen(LINK_PROJECT),
            ]);
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        if !self.actions(ctx).contains(&action) {
            return None;
        }
        let r = self.list.current()?;
        let (id, seen, l) = (r.id, Some(r.lock_version), ctx.locale);
        let effect = match action {
            Action::Screen(ASSIGN_ME) => {
                Effect::write(jobs::assign(id, None, ctx.actor.name.clone(), seen, l))
            }
            Action::Screen(ASSIGN_TO) => Effect::Choose(jobs::agents(id, r.assignee_id, seen, l)),
            Action::Screen(LINK_PROJECT) => Effect::Choose(jobs::client_projects(
                id,
                r.reference.clone(),
                r.requester_id,
                l,
            )),
            // A closed ticket is never reopened: a reply opens a follow-up linked to it.
            Action::Screen(REPLY) if r.status == TicketStatus::Closed.as_str() => Effect::Compose {
                title: ctx.ta(
                    "compose.follow_up_title",
                    &[
                        ("reference", &r.reference),
                        ("requester", &r.requester_name),
                    ],
                ),
                purpose: jobs::follow_up(id, r.requester_name.clone(), l),
            },
            Action::Screen(NOTE) if r.status == TicketStatus::Closed.as_str() => {
                Effect::Refuse(ctx.ta("toast.closed_no_note", &[("reference", &r.reference)]))
            }
            Action::Screen(REPLY) | Action::Screen(NOTE) => {
                let internal = action == Action::Screen(NOTE);
                let key = if internal {
                    "compose.note_title"
                } else {
                    "compose.reply_title"
                };
                Effect::Compose {
                    title: ctx.ta(
                        key,
                        &[
                            ("reference", &r.reference),
                            ("requester", &r.requester_name),
                        ],
                    ),
                    purpose: jobs::reply(id, internal, l),
                }
            }
            Action::Screen(SET_STATUS) => {
                // Only the moves the state machine allows are offered.
                let from = TicketStatus::parse(&r.status).ok()?;
                let options = from
                    .next_states()
                    .into_iter()
                    .map(|to| {
                        (
                            format::status("ticket", to.as_str(), ctx.locale),
                            jobs::status(id, to, seen, ctx),
                        )
                    })
                    .collect();
                Effect::Pick {
                    title: ctx.ta("picker.status", &[("reference", &r.reference)]),
                    options,
                }
            }
            Action::Screen(SET_PRIORITY) => {
                let options = TicketPriority::ALL
                    .iter()
                    .filter(|p| p.as_str() != r.priority)
                    .map(|p| {
                        (
                            format::status("priority", p.as_str(), ctx.locale),
                            Effect::write(jobs::priority(id, *p, seen, l)),
                        )
                    })
                    .collect();
                Effect::Pick {
                    title: ctx.ta("picker.priority", &[("reference", &r.reference)]),
                    options,
                }
            }
            _ => return None,
        };
        Some(vec![effect])
    }
    fn watches(&self, t: &str) -> bool {
        t == "support_ticket"
    }
}
