//! Webhooks (a view, `:webhooks`, permission webhooks.manage): the partners' endpoints with
//! their event types, status and failure streak, narrowed by `status:` and words of the URL or
//! description. The detail shows the endpoint and its deliveries log, attempt by attempt and
//! grouped by event (status code, latency, error, the start of the response), and its
//! history. `N` adds an endpoint (its URL, then its event types; the signing secret is shown
//! once), `w` edits its event types, `O` disables or enables it, `Z` rotates its secret (the
//! old one keeps signing for the configured overlap), `T` sends it a test event, `V` replays
//! one failed delivery or every failed one since a time. Above the list, whether a worker is
//! delivering (worker.rs), read with every window of the list; the deliveries log follows
//! attempts as they land (the change feed's `Deliveries`).

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};

use crate::domain::webhook::Policy;
use crate::domain::{Permission, sanitize_line};
use crate::office::format;
use crate::service::ServiceError;
use crate::store::audit::AuditRow;
use crate::store::deliveries::DeliveryRow;
use crate::store::delivery_watch::Pulse;
use crate::store::webhooks::{EndpointRow, Filter};
use crate::store::{Anchor, Conn, Page};
use crate::ui::action::{Action, Declared};
use crate::ui::data::{Job, Typed};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, Fill, ListView, identified_by_id, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId, status_values};

pub mod jobs;
pub mod worker;

use worker::Delivery;

const STATUSES: [&str; 3] = ["active", "paused", "disabled"];
/// Attempts the detail shows, newest first.
const LOG: u64 = 40;

#[derive(Clone, Debug, PartialEq)]
pub struct EndpointDetail {
    pub endpoint: EndpointRow,
    pub deliveries: Vec<DeliveryRow>,
    pub history: Vec<AuditRow>,
}

pub struct WebhooksScreen {
    pub list: ListView<EndpointRow>,
    pub detail: DetailState<EndpointDetail>,
    pub filter: Filter,
    pub filter_raw: String,
    /// Whether a worker delivers, as read with the list last, and when it was read.
    pub delivery: Option<(Delivery, DateTime<Utc>)>,
    policy: Policy,
}

/// A window of the list, with what the tables said about delivery when it was read.
struct Listed {
    page: Page<EndpointRow>,
    pulse: Pulse,
    at: DateTime<Utc>,
}

impl WebhooksScreen {
    pub fn new(policy: Policy) -> WebhooksScreen {
        WebhooksScreen {
            list: ListView::default(),
            detail: DetailState::default(),
            filter: Filter::default(),
            filter_raw: String::new(),
            delivery: None,
            policy,
        }
    }
}

identified_by_id!(EndpointRow);

fn status_tone(status: &str) -> Tone {
    match status {
        "active" => Tone::Ok,
        "disabled" => Tone::Danger,
        _ => Tone::Warning,
    }
}

fn attempt_tone(status: &str) -> Tone {
    match status {
        "succeeded" => Tone::Ok,
        "pending" => Tone::Warning,
        _ => Tone::Danger,
    }
}

/// "200 in 12 ms", "500 in 40 ms: upstream down", "refused: reserved name".
fn outcome(d: &DeliveryRow, delivering: bool, ctx: &Ctx) -> String {
    let mut out = format::status("delivery", &d.status, ctx.locale);
    if let Some(code) = d.response_status {
        out.push_str(&format!(" · HTTP {code}"));
    }
    if let Some(ms) = d.latency_ms {
        out.push_str(&format!(" · {ms} ms"));
    }
    if let Some(e) = &d.last_error {
        out.push_str(&format!(" · {}", sanitize_line(e)));
    }
    if let Some(body) = d
        .response_excerpt
        .as_deref()
        .filter(|b| !b.trim().is_empty())
    {
        let first = sanitize_line(body.lines().next().unwrap_or_default());
        out.push_str(&format!(
            " · « {} »",
            crate::domain::text::truncate_to_width(&first, 60)
        ));
    }
    if d.status == "pending"
        && let Some(at) = d.next_attempt_at
    {
        out.push_str(&format!(
            " · {}",
            ctx.ta(
                "webhooks_view.next_at",
                &[("at", &format::when(Some(at), ctx.now, ctx.locale))]
            )
        ));
        if !delivering {
            out.push_str(&format!(" · {}", ctx.t("webhooks_view.waits_for_worker")));
        }
    }
    out
}

/// An endpoint with its latest delivery attempts and its history.
async fn detail(c: &mut impl Conn, id: i64) -> Result<EndpointDetail, ServiceError> {
    let endpoint = super::found(crate::store::webhooks::get(c, id).await?, "webhook", id)?;
    let filter = crate::store::deliveries::Filter {
        endpoint_id: Some(id),
        ..Default::default()
    };
    let deliveries = crate::store::deliveries::page(c, &filter, &Anchor::First, LOG)
        .await?
        .rows;
    let subject = crate::store::webhooks::SUBJECT;
    let history = crate::store::audit::history(c, subject, id, 30).await?;
    Ok(EndpointDetail {
        endpoint,
        deliveries,
        history,
    })
}

impl ListScreen for WebhooksScreen {
    const ACTIONS: &'static [Declared] = jobs::ACTIONS;
    const SUBJECT: Option<&'static str> = Some(crate::store::webhooks::SUBJECT);

    super::screen_fields!(TabId::Webhooks, EndpointRow, EndpointDetail);
    super::detail_request!(detail);

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        let filter = self.filter.clone();
        Job::new(move |mut db, _| async move {
            let page = crate::store::webhooks::page(&mut db, &filter, &anchor, limit).await?;
            let at = crate::service::now();
            let pulse = crate::store::delivery_watch::pulse(&mut db, at).await?;
            Ok::<_, ServiceError>(Listed { page, pulse, at })
        })
    }
    fn rows_of(&self, answer: Typed) -> Result<Page<EndpointRow>, Typed> {
        answer.take::<Listed>().map(|l| l.page)
    }
    fn take(&mut self, reply: Typed, fill: Fill) -> bool {
        match reply.take::<Listed>() {
            Ok(l) => {
                self.delivery = Some((Delivery::of(&l.pulse, l.at), l.at));
                self.list.apply(l.page, fill);
                true
            }
            Err(reply) => self.take_detail(reply),
        }
    }
    fn chart_height(&self, area: Rect) -> u16 {
        match &self.delivery {
            // The list keeps at least a few rows.
            Some((d, at)) => worker::height(d, *at, area.width).min(area.height / 3),
            None => 0,
        }
    }
    fn draw_chart(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        if let Some((d, _)) = &self.delivery {
            worker::draw(d, f, area, ctx, ctx.now);
        }
    }

    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.filter = Filter {
            statuses: status_values(p, &STATUSES),
            text: p.text(),
        };
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new("#", Constraint::Length(3)).right(),
            Column::new(ctx.t("webhooks_view.url"), Constraint::Fill(3)),
            Column::new(ctx.t("webhooks_view.events"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("col.status"), Constraint::Length(8)),
            Column::new(ctx.t("webhooks_view.streak"), Constraint::Length(7)).right(),
            Column::new(ctx.t("detail.updated"), Constraint::Length(11))
                .right()
                .optional(),
        ]
    }
    fn cells(&self, r: &EndpointRow, ctx: &Ctx) -> Vec<Cell> {
        let l = ctx.locale;
        vec![
            r.id.to_string().into(),
            r.url.clone().into(),
            r.event_types.join(", ").into(),
            styled(
                format::status("webhook", &r.status, l),
                status_tone(&r.status).style(ctx.theme),
            ),
            styled(
                r.failure_streak.to_string(),
                match r.failure_streak {
                    0 => Tone::Muted,
                    _ => Tone::Danger,
                }
                .style(ctx.theme),
            ),
            format::when(r.updated_at, ctx.now, l).into(),
        ]
    }
    fn empty_text(&self, ctx: &Ctx) -> String {
        ctx.t("webhooks_view.empty")
    }
    fn heading(&self, d: &EndpointDetail, ctx: &Ctx) -> String {
        ctx.ta(
            "webhooks_view.heading",
            &[("id", &d.endpoint.id.to_string()), ("url", &d.endpoint.url)],
        )
    }
    fn body(&self, d: &EndpointDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (e, l) = (&d.endpoint, ctx.locale);
        let mut out = vec![
            DetailLine::Styled(
                ctx.t("col.status"),
                format::status("webhook", &e.status, l),
                status_tone(&e.status),
            ),
            DetailLine::Field(ctx.t("webhooks_view.url"), e.url.clone()),
            DetailLine::Field(
                ctx.t("webhooks_view.description"),
                e.description.clone().unwrap_or_else(|| "—".into()),
            ),
            DetailLine::Field(ctx.t("webhooks_view.events"), e.event_types.join(", ")),
            DetailLine::Field(ctx.t("webhooks_view.streak"), e.failure_streak.to_string()),
        ];
        if let Some(reason) = &e.disabled_reason {
            out.push(DetailLine::Styled(
                ctx.t("webhooks_view.disabled_because"),
                format!(
                    "{} ({})",
                    ctx.t(&format!("cli_webhook.reason.{reason}")),
                    format::absolute(e.disabled_at, l)
                ),
                Tone::Danger,
            ));
        }
        if let Some(until) = e.previous_secret_expires_at.filter(|t| *t > ctx.now) {
            out.push(DetailLine::Field(
                ctx.t("webhooks_view.overlap"),
                format::absolute(Some(until), l),
            ));
        }
        let delivering = self.delivery.as_ref().is_none_or(|(d, _)| d.delivering());
        out.push(DetailLine::Section(ctx.t("webhooks_view.deliveries")));
        if d.deliveries.is_empty() {
            out.push(DetailLine::Text(ctx.t("webhooks_view.no_deliveries")));
        }
        // Grouped by event, in the order of their latest attempt: an event's retries read
        // together.
        let mut events: Vec<i64> = Vec::new();
        for a in &d.deliveries {
            if !events.contains(&a.webhook_event_id) {
                events.push(a.webhook_event_id);
            }
        }
        for event in events {
            let attempts: Vec<&DeliveryRow> = d
                .deliveries
                .iter()
                .filter(|a| a.webhook_event_id == event)
                .collect();
            let first = attempts[0];
            out.push(DetailLine::Text(format!(
                "{} · {}",
                sanitize_line(&first.event_type),
                sanitize_line(&first.event_id)
            )));
            for a in attempts.iter().rev() {
                let when = format::when(a.attempted_at.or(a.created_at), ctx.now, l);
                out.push(DetailLine::Styled(
                    ctx.ta(
                        "webhooks_view.attempt",
                        &[("n", &a.attempt.to_string()), ("id", &a.id.to_string())],
                    ),
                    format!("{when} · {}", outcome(a, delivering, ctx)),
                    attempt_tone(&a.status),
                ));
            }
        }
        super::audit::history_lines(&d.history, ctx, &mut out);
        out
    }
    fn reference(&self, r: &EndpointRow) -> String {
        format!("webhook #{} {}", r.id, r.url)
    }
    fn action_label(&self, action: Action, ctx: &Ctx) -> Option<String> {
        let row = self.list.current();
        match action {
            Action::Screen(jobs::CREATE) => Some(ctx.t("webhooks_view.add")),
            Action::Screen(jobs::EDIT) => Some(ctx.t("webhooks_view.edit")),
            Action::Screen(jobs::SWITCH_OFF) => Some(match row.map(|r| r.status.as_str()) {
                Some("active") | None => ctx.t("webhooks_view.disable"),
                Some(_) => ctx.t("webhooks_view.enable"),
            }),
            _ => None,
        }
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        if ctx.may(Permission::WebhooksManage) {
            out.push(Action::Screen(jobs::CREATE));
            if self.list.current().is_some() {
                let others = jobs::ACTIONS.iter().filter(|d| d.verb != jobs::CREATE);
                out.extend(others.map(|d| Action::Screen(d.verb)));
            }
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        // The permission the action needs was checked by the dispatcher before this.
        self.needs(action)?;
        if action == Action::Screen(jobs::CREATE) {
            return Some(vec![jobs::add(self.policy, ctx.locale)]);
        }
        let r = self.list.current()?;
        Some(vec![jobs::act(action, r, self.policy, ctx)?])
    }
    fn watches(&self, t: &str) -> bool {
        t == crate::store::webhooks::SUBJECT
    }
}
