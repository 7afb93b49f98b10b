//! Escrow (a view, `:escrow`): each project's funds held for finance, newest first, narrowed by
//! `status:` `currency:` `provider:` `project:` or `overdue` (delivered, unanswered past the
//! auto-release delay). The detail says who is still owed what, the auto-release date, the
//! payment transactions, every ledger transfer, the project's conversation and the history.
//! `R` releases (escrow.release): the amount, then a confirmation naming each party's part;
//! `F` refunds (escrow.refund): the amount, then the reason; `D` decides a dispute
//! (escrow.release): the split, then the reason. What the row's state forbids is refused
//! before anything opens.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use ratatui::layout::Constraint;

use crate::domain::{EscrowStatus, Permission, ProjectStatus, sanitize_line};
use crate::office::escrow::EscrowDetail;
use crate::office::{format, words};
use crate::service::{self, ServiceError};
use crate::store::Anchor;
use crate::store::escrows::{EscrowRow, Filter};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::Job;
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, identified_by_id, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId, codes, status_values};

pub mod jobs;

use crate::service::escrow::Move;
use jobs::{move_step, typed_split, typed_take};

/// The payment providers escrows are funded through (`provider:` takes one of them).
const PROVIDERS: [&str; 7] = [
    "cinetpay",
    "mtn_momo",
    "moov_money",
    "orange_money",
    "wave",
    "stripe",
    "bank",
];
/// The bare word (or `is:` flag) that keeps escrows due for auto-release.
const OVERDUE: [&str; 2] = ["overdue", "retard"];

#[derive(Default)]
pub struct EscrowScreen {
    pub list: ListView<EscrowRow>,
    pub detail: DetailState<EscrowDetail>,
    pub filter: Filter,
    /// With `overdue`: the clock the auto-release delay counts back from (the delay is a
    /// setting, read with the list).
    pub overdue_at: Option<DateTime<Utc>>,
    pub filter_raw: String,
}

fn status_tone(status: &str) -> Tone {
    match status {
        "held" => Tone::Accent,
        "partially_released" | "partially_refunded" | "awaiting_funds" => Tone::Warning,
        "disputed" => Tone::Danger,
        "released" => Tone::Ok,
        _ => Tone::Muted,
    }
}

identified_by_id!(EscrowRow);

/// This screen's own actions.
const RELEASE: Verb = Verb("release");
const REFUND: Verb = Verb("refund");
const DECIDE_DISPUTE: Verb = Verb("decide_dispute");
const WITHDRAW: Verb = Verb("withdraw");
/// The ledger's transfers for the escrow's project: what moved, leg by leg.
const PROJECT_LEDGER: Verb = Verb("project_ledger");

impl ListScreen for EscrowScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(RELEASE, &["R"], Permission::EscrowRelease),
        Declared::write(REFUND, &["F"], Permission::EscrowRefund),
        Declared::write(DECIDE_DISPUTE, &["D"], Permission::EscrowRelease),
        Declared::write(WITHDRAW, &["W"], Permission::EscrowRelease),
        Declared::read(PROJECT_LEDGER, &["L"]),
    ];
    const SUBJECT: Option<&'static str> = Some("escrow");

    super::screen_fields!(TabId::Escrow, EscrowRow, EscrowDetail);
    super::detail_request!(crate::office::escrow::detail);

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        let (mut filter, overdue_at) = (self.filter.clone(), self.overdue_at);
        Job::new(move |mut db, _| async move {
            if let Some(now) = overdue_at {
                let days = service::settings::auto_release_days(&mut db).await?;
                filter.delivered_before = Some(now - Duration::days(days));
            }
            let page = crate::store::escrows::page(&mut db, &filter, &anchor, limit).await;
            Ok::<_, ServiceError>(page?)
        })
    }
    fn export_header(&self) -> Vec<&'static str> {
        vec![
            "currency",
            "held_minor",
            "released_minor",
            "refunded_minor",
            "remaining_minor",
            "status_code",
            "project_id",
            "delivered_at_utc",
            "updated_at_utc",
        ]
    }
    fn export_values(&self, r: &EscrowRow) -> Vec<String> {
        vec![
            r.currency.clone(),
            r.amount_held.to_string(),
            r.amount_released.to_string(),
            r.amount_refunded.to_string(),
            r.amounts().remaining().to_string(),
            r.status.clone(),
            r.project_id.to_string(),
            super::utc(r.delivered_at),
            super::utc(r.updated_at),
        ]
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        let overdue = OVERDUE.iter().fold(false, |seen, f| p.flag(f) | seen);
        self.filter = Filter {
            statuses: status_values(p, &codes(EscrowStatus::ALL)),
            currencies: super::currency_values(p),
            providers: p.choices(&["provider", "prestataire", "psp"], &PROVIDERS),
            delivered_before: None,
            project_id: p.number(&["project", "projet"]),
            text: p.text_except(&OVERDUE),
        };
        self.overdue_at = overdue.then_some(ctx.now);
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        let money = |key: &str| Column::new(ctx.t(key), Constraint::Length(9)).right();
        vec![
            Column::new("#", Constraint::Length(4)).right(),
            Column::new(ctx.t("col.project"), Constraint::Fill(3)),
            Column::new(ctx.t("col.client"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("col.developer"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("col.status"), Constraint::Length(8)),
            money("escrow_view.held").optional(),
            money("escrow_view.released").optional(),
            money("escrow_view.refunded").optional(),
            money("escrow_view.remaining"),
            Column::new(ctx.t("escrow_view.provider"), Constraint::Length(8)).optional(),
            Column::new(ctx.t("detail.updated"), Constraint::Length(7))
                .right()
                .optional(),
        ]
    }
    fn cells(&self, r: &EscrowRow, ctx: &Ctx) -> Vec<Cell> {
        let l = ctx.locale;
        let m = |v: i64| format::money(v, &r.currency, l);
        vec![
            r.id.to_string().into(),
            r.project_title.clone().into(),
            r.client_name.clone().into(),
            r.developer_name
                .clone()
                .unwrap_or_else(|| "—".into())
                .into(),
            styled(
                crate::office::escrow::status_text(r, l),
                status_tone(&r.status).style(ctx.theme),
            ),
            m(r.amount_held).into(),
            m(r.amount_released).into(),
            m(r.amount_refunded).into(),
            m(r.amounts().remaining()).into(),
            r.provider
                .as_deref()
                .map_or_else(|| "—".into(), |p| words::provider(p, l))
                .into(),
            format::when(r.updated_at, ctx.now, l).into(),
        ]
    }
    fn heading(&self, d: &Self::Detail, _ctx: &Ctx) -> String {
        format!("#{} · {}", d.row.id, d.row.project_title)
    }
    fn body(&self, d: &EscrowDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (r, l) = (&d.row, ctx.locale);
        let m = |v: i64| format::money(v, &r.currency, l);
        let none = || ctx.t("detail.none");
        let mut out = vec![DetailLine::Styled(
            ctx.t("col.status"),
            format::status("escrow", &r.status, l),
            status_tone(&r.status),
        )];
        out.extend(super::project_lines(
            ctx,
            (r.project_id, &r.project_title, &r.project_status),
            &r.client_name,
            r.developer_name.as_deref(),
        ));
        out.extend([
            DetailLine::Field(
                ctx.t("escrow_view.provider"),
                r.provider
                    .as_deref()
                    .map_or_else(|| "—".into(), |p| words::provider(p, l)),
            ),
            DetailLine::Field(
                ctx.t("escrow_view.opened"),
                format::absolute(r.created_at, l),
            ),
            DetailLine::Field(
                ctx.t("escrow_view.delivered"),
                format::absolute(r.delivered_at, l),
            ),
            match d.auto_release_at {
                Some(at) if at <= ctx.now => DetailLine::Styled(
                    ctx.t("escrow_view.auto_release"),
                    format::absolute(Some(at), l),
                    Tone::Danger,
                ),
                Some(at) => DetailLine::Styled(
                    ctx.t("escrow_view.auto_release"),
                    format::absolute(Some(at), l),
                    Tone::Warning,
                ),
                None => DetailLine::Field(ctx.t("escrow_view.auto_release"), none()),
            },
            DetailLine::Section(ctx.ta("escrow_view.amounts", &[("currency", &r.currency)])),
            DetailLine::Field(ctx.t("escrow_view.held"), m(r.amount_held)),
            DetailLine::Field(ctx.t("escrow_view.released"), m(r.amount_released)),
            DetailLine::Field(ctx.t("escrow_view.refunded"), m(r.amount_refunded)),
            DetailLine::Styled(
                ctx.t("escrow_view.remaining"),
                m(r.amounts().remaining()),
                Tone::Accent,
            ),
            DetailLine::Section(ctx.t("escrow_view.owed")),
        ]);
        if let Some(text) = crate::office::escrow::waiting_text(r, l) {
            out.insert(
                1,
                DetailLine::Styled(ctx.t("escrow_view.waiting"), text, Tone::Warning),
            );
        }
        // Figures first: labels are cut to the pane's key column, values wrap.
        let developer = r.developer_name.clone().unwrap_or_else(|| "—".into());
        out.push(DetailLine::Field(
            ctx.t("col.developer"),
            format!("{} · {developer}", m(d.owed.developer)),
        ));
        out.push(DetailLine::Field(
            ctx.t("escrow_view.owed_platform"),
            m(d.owed.platform),
        ));
        for (id, amount) in &d.owed.contributors {
            out.push(DetailLine::Field(
                ctx.ta("escrow_view.owed_contributor", &[("id", &id.to_string())]),
                m(*amount),
            ));
        }
        out.push(DetailLine::Styled(
            ctx.t("escrow_view.owed_total"),
            m(d.owed.total()),
            Tone::Ok,
        ));
        out.push(DetailLine::Section(ctx.t("escrow_view.payments")));
        if d.payments.is_empty() {
            out.push(DetailLine::Text(none()));
        }
        for p in &d.payments {
            let failure = p
                .failure_reason
                .as_ref()
                .map(|f| format!(" · {f}"))
                .unwrap_or_default();
            let line = format!(
                "{} · {} · {} {}{failure}",
                format::money(p.amount, &p.currency, l),
                word(ctx, "payment", &p.status),
                words::provider(&p.provider, l),
                p.provider_reference,
            );
            let tone = match p.status.as_str() {
                "failed" => Tone::Danger,
                "succeeded" => Tone::Plain,
                _ => Tone::Warning,
            };
            out.push(DetailLine::Styled(
                word(ctx, "direction", &p.direction),
                line,
                tone,
            ));
        }
        out.push(DetailLine::Section(ctx.t("escrow_view.transfers")));
        if d.transfers.is_empty() {
            out.push(DetailLine::Text(none()));
        }
        for t in &d.transfers {
            out.push(DetailLine::Field(
                format::money(t.amount, &t.currency, l),
                format!(
                    "{} · {}",
                    words::movement(&t.debit_code, &t.credit_code, l),
                    words::ledger_key(&t.idempotency_key, l)
                ),
            ));
        }
        out.push(DetailLine::Section(ctx.t("escrow_view.conversation")));
        if d.messages.is_empty() {
            out.push(DetailLine::Text(none()));
        }
        super::thread_lines(&d.messages, ctx, &mut out);
        super::audit::history_lines_in(&d.history, ctx, Some(&r.currency), &mut out);
        out
    }
    fn reference(&self, r: &EscrowRow) -> String {
        format!("escrow #{}", r.id)
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        // Offered with the permission, and when the current row's state allows it.
        let verbs = [RELEASE, REFUND, DECIDE_DISPUTE, WITHDRAW];
        let mut out = super::permitted(self, &verbs, ctx, |a, r| refusal(a, r, ctx).is_none());
        if self.list.current().is_some() {
            out.push(Action::Screen(PROJECT_LEDGER));
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        if action == Action::Screen(PROJECT_LEDGER) {
            let r = self.list.current()?;
            return Some(vec![Effect::Visit {
                tab: TabId::Ledger,
                filter: format!("project:{}", r.project_id),
            }]);
        }
        // The permission the action needs was checked by the dispatcher before this.
        self.needs(action)?;
        let r = self.list.current()?;
        if let Some(why) = refusal(action, r, ctx) {
            return Some(vec![Effect::Refuse(why)]);
        }
        let (id, seen, locale) = (r.id, Some(r.lock_version), ctx.locale);
        if action == Action::Screen(WITHDRAW) {
            return Some(vec![jobs::withdraw_confirm(r, locale)]);
        }
        let remaining = format::money(r.amounts().remaining(), &r.currency, locale);
        // Examples in the prompt are in the escrow's currency and of its size.
        let example = crate::domain::Currency::parse(&r.currency)
            .map(|c| crate::domain::Money::new(r.amounts().remaining() / 2, c).plain())
            .unwrap_or_default();
        let args = [
            ("id", id.to_string()),
            ("remaining", remaining),
            ("example", example),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let waiting_now = waiting(r);
        let currency = r.currency.clone();
        let c = currency.clone();
        let (key, submit): (&str, Arc<dyn Fn(String) -> Job + Send + Sync>) = match action {
            Action::Screen(RELEASE) => (
                "escrow_view.release_title",
                Arc::new(move |typed| {
                    let mv = typed_take(&typed, &c, locale).map(Move::Release);
                    move_step(id, seen, mv, locale)
                }),
            ),
            Action::Screen(REFUND) => (
                "escrow_view.refund_title",
                Arc::new(move |typed| {
                    let mv = typed_take(&typed, &c, locale).map(Move::Refund);
                    move_step(id, seen, mv, locale)
                }),
            ),
            Action::Screen(DECIDE_DISPUTE) => (
                "escrow_view.dispute_title",
                Arc::new(move |typed| {
                    let mv = typed_split(&typed, &c, locale).map(Move::Dispute);
                    move_step(id, seen, mv, locale)
                }),
            ),
            _ => return None,
        };
        // The second approver takes the same decision: its amount is offered as typed.
        let text = match waiting_now {
            Some(w) if w.action == "release" || w.action == "refund" => {
                crate::domain::Currency::parse(&currency)
                    .map(|c| crate::domain::Money::new(w.amount, c).plain())
                    .unwrap_or_default()
            }
            _ => String::new(),
        };
        Some(vec![Effect::Prompt {
            title: ctx.ta(key, &args),
            text,
            submit,
        }])
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "escrow" | "project" | "commission" | "ext_commission")
    }
}

/// A word for a payment's direction or status in the staff member's language (the code itself
/// when there is none for it).
fn word(ctx: &Ctx, kind: &str, value: &str) -> String {
    let key = format!("escrow_view.{kind}_{value}");
    match ctx.t(&key) {
        t if t == key => value.replace('_', " "),
        t => t,
    }
}

use crate::office::escrow::waiting;

fn action_code(action: Action) -> &'static str {
    match action {
        Action::Screen(RELEASE) => "release",
        Action::Screen(REFUND) => "refund",
        _ => "dispute",
    }
}

/// Four-eyes, asked before any prompt: the project's client and developer never decide; a
/// decision waiting for a second approval is taken by someone else, and blocks any other.
fn four_eyes(action: Action, r: &EscrowRow, ctx: &Ctx) -> Option<ServiceError> {
    use crate::service::FourEyes;
    if ctx.actor.id == r.client_id {
        return Some(ServiceError::FourEyes(FourEyes::Client));
    }
    if r.developer_id == Some(ctx.actor.id) {
        return Some(ServiceError::FourEyes(FourEyes::Developer));
    }
    let w = waiting(r)?;
    if w.action != action_code(action) {
        return Some(ServiceError::AwaitingSecond {
            by: r.pending_by_name.clone().unwrap_or_default(),
            at: r.pending_at.unwrap_or_default(),
            action: w.action,
            amount: w.amount,
            currency: r.currency.clone(),
        });
    }
    (r.pending_by == Some(ctx.actor.id)).then_some(ServiceError::FourEyes(FourEyes::SameApprover))
}

/// Why `action` cannot be taken on the escrow as it stands, naming its state; None if it can.
fn refusal(action: Action, r: &EscrowRow, ctx: &Ctx) -> Option<String> {
    let status = EscrowStatus::parse(&r.status).ok()?;
    let (allowed, key) = match action {
        // Releases and refunds come in any order while something is left.
        Action::Screen(RELEASE) | Action::Screen(REFUND) => (
            matches!(
                status,
                EscrowStatus::Held
                    | EscrowStatus::PartiallyReleased
                    | EscrowStatus::PartiallyRefunded
            ),
            match (action, status) {
                (_, EscrowStatus::Disputed) => "escrow_view.dispute_first",
                (Action::Screen(RELEASE), _) => "escrow_view.not_releasable",
                _ => "escrow_view.not_refundable",
            },
        ),
        Action::Screen(DECIDE_DISPUTE) => {
            (status == EscrowStatus::Disputed, "escrow_view.not_disputed")
        }
        // Anyone who may take the decision may withdraw it (the first approver included).
        Action::Screen(WITHDRAW) => {
            let id = r.id.to_string();
            return waiting(r)
                .is_none()
                .then(|| ctx.ta("escrow_view.nothing_waiting", &[("id", &id)]));
        }
        _ => return None,
    };
    let id = r.id.to_string();
    if let Some(e) = four_eyes(action, r, ctx) {
        return Some(crate::office::messages::error_text(&e, ctx.locale));
    }
    if !allowed {
        let state = format::status("escrow", &r.status, ctx.locale);
        return Some(ctx.ta(key, &[("id", &id), ("status", &state)]));
    }
    // Funds are released once work is under way (the service says so too).
    let under_way = ProjectStatus::parse(&r.project_status).is_ok_and(|p| {
        matches!(
            p,
            ProjectStatus::InProgress
                | ProjectStatus::Delivered
                | ProjectStatus::RevisionRequested
                | ProjectStatus::Completed
        )
    });
    if action == Action::Screen(RELEASE) && !under_way {
        let state = format::status("project", &r.project_status, ctx.locale);
        let title = sanitize_line(&r.project_title);
        return Some(ctx.ta(
            "escrow_view.not_under_way",
            &[("id", &id), ("project", &title), ("status", &state)],
        ));
    }
    None
}
