//! Payments (a view, `:payments`): the payment transactions through the providers, newest
//! first, narrowed by `provider:` `status:` `direction:` (collection, payout, refund) and
//! `ref:<provider reference>` (free text is a reference too). The detail shows the
//! transaction, its escrow and project, and a payout's batch. `K` records the provider's
//! confirmation (its reference, then a confirmation; a collection funds its escrow), `x` a
//! failure with its reason (a payout's money goes back on the developer's payable balance);
//! both need escrow.release and an initiated or pending transaction, refused before anything
//! opens otherwise. `I` reconciles a provider's statement (CSV) with ours: the report lists
//! what does not match, and a line the provider answered while ours still waits leads to
//! that confirmation or failure, asked for as with `K` and `x`.

use std::sync::Arc;

use ratatui::layout::Constraint;

use crate::domain::{Permission, sanitize_line};
use crate::office::format;
use crate::service::ServiceError;
use crate::store::escrows::PaymentRow;
use crate::store::payments::Filter;
use crate::store::{Anchor, Cursor};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::Job;
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, Identified, ListView, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId, status_values};

pub mod jobs;

use jobs::PaymentDetail;

/// The providers a transaction goes through (`provider:` takes them).
const PROVIDERS: [&str; 6] = [
    "cinetpay",
    "mtn_momo",
    "moov_money",
    "orange_money",
    "wave",
    "stripe",
];
const STATUSES: [&str; 5] = ["initiated", "pending", "succeeded", "failed", "cancelled"];
const DIRECTIONS: [&str; 3] = ["collection", "payout", "refund"];

#[derive(Default)]
pub struct PaymentsScreen {
    pub list: ListView<PaymentRow>,
    pub detail: DetailState<PaymentDetail>,
    pub filter: Filter,
    pub filter_raw: String,
}

impl Identified for PaymentRow {
    fn row_id(&self) -> i64 {
        self.id
    }
}

fn status_tone(status: &str) -> Tone {
    match status {
        "succeeded" => Tone::Ok,
        "failed" => Tone::Danger,
        "initiated" | "pending" => Tone::Warning,
        _ => Tone::Muted,
    }
}

/// Why `action` cannot be taken on the transaction as it stands, naming its status.
fn refusal(action: Action, r: &PaymentRow, ctx: &Ctx) -> Option<String> {
    if matches!(r.status.as_str(), "initiated" | "pending") {
        return None;
    }
    let key = match action {
        Action::Screen(CONFIRM_PAYMENT) => "payments_view.not_confirmable",
        Action::Screen(FAIL_PAYMENT) => "payments_view.not_failable",
        _ => return None,
    };
    let status = format::status("payment", &r.status, ctx.locale);
    Some(ctx.ta(key, &[("id", &r.id.to_string()), ("status", &status)]))
}

fn payment_line(p: &PaymentRow, ctx: &Ctx) -> String {
    format!(
        "{} · {} · {} {}",
        format::money(p.amount, &p.currency, ctx.locale),
        format::status("payment", &p.status, ctx.locale),
        sanitize_line(&p.provider),
        sanitize_line(&p.provider_reference),
    )
}

/// This screen's own actions.
const CONFIRM_PAYMENT: Verb = Verb("confirm_payment");
const FAIL_PAYMENT: Verb = Verb("fail_payment");
const RECONCILE: Verb = Verb("reconcile");

impl ListScreen for PaymentsScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(CONFIRM_PAYMENT, &["K"], Permission::EscrowRelease),
        Declared::write(FAIL_PAYMENT, &["x"], Permission::EscrowRelease),
        Declared::read(RECONCILE, &["I"]),
    ];
    type Row = PaymentRow;
    type Detail = PaymentDetail;

    super::screen_fields!(TabId::Payments, PaymentRow, PaymentDetail);

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        let filter = self.filter.clone();
        Job::new(move |mut db, _| async move {
            let page = crate::store::payments::page(&mut db, &filter, &anchor, limit);
            Ok::<_, ServiceError>(page.await?)
        })
    }
    fn cursor(&self, row: &PaymentRow) -> Cursor {
        Cursor::id(row.id)
    }
    fn detail_request(&self, row: &PaymentRow) -> Option<Job> {
        Some(jobs::detail(row.id))
    }
    fn export_header(&self) -> Vec<&'static str> {
        vec![
            "amount_minor",
            "currency",
            "status_code",
            "direction_code",
            "escrow_id",
            "created_at_utc",
        ]
    }
    fn export_values(&self, r: &PaymentRow) -> Vec<String> {
        vec![
            r.amount.to_string(),
            r.currency.clone(),
            r.status.clone(),
            r.direction.clone(),
            r.escrow_id.map(|e| e.to_string()).unwrap_or_default(),
            super::utc(r.created_at),
        ]
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.filter = Filter {
            providers: p.choices(&["provider", "prestataire", "psp"], &PROVIDERS),
            statuses: status_values(p, &STATUSES),
            directions: p.choices(&["direction", "sens"], &DIRECTIONS),
            reference: p.first(&["ref", "reference"]).or_else(|| p.text()),
        };
    }
    fn filter_text(&self) -> &str {
        &self.filter_raw
    }
    fn cycle_sort(&mut self, _back: bool) {}
    fn sort_label(&self, ctx: &Ctx) -> String {
        ctx.t("sort.newest")
    }

    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new("#", Constraint::Length(4)).right(),
            Column::new(ctx.t("col.when"), Constraint::Length(11))
                .right()
                .optional(),
            Column::new(ctx.t("payments_view.direction"), Constraint::Length(8)),
            Column::new(ctx.t("col.status"), Constraint::Length(8)),
            Column::new(ctx.t("ledger_view.amount"), Constraint::Length(9)).right(),
            Column::new(ctx.t("escrow_view.provider"), Constraint::Length(8)),
            Column::new(ctx.t("col.reference"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("payments_view.escrow"), Constraint::Length(4))
                .right()
                .optional(),
        ]
    }
    fn cells(&self, r: &PaymentRow, ctx: &Ctx) -> Vec<Cell> {
        let l = ctx.locale;
        vec![
            r.id.to_string().into(),
            format::when(r.created_at, ctx.now, l).into(),
            format::status("payment_direction", &r.direction, l).into(),
            styled(
                format::status("payment", &r.status, l),
                status_tone(&r.status).style(ctx.theme),
            ),
            format::money(r.amount, &r.currency, l).into(),
            r.provider.clone().into(),
            r.provider_reference.clone().into(),
            r.escrow_id
                .map(|e| format!("#{e}"))
                .unwrap_or_else(|| "—".into())
                .into(),
        ]
    }
    fn heading(&self, d: &PaymentDetail, ctx: &Ctx) -> String {
        let r = &d.row;
        ctx.ta(
            "payments_view.heading",
            &[
                ("id", &r.id.to_string()),
                (
                    "direction",
                    &format::status("payment_direction", &r.direction, ctx.locale),
                ),
            ],
        )
    }
    fn detail_lines(&self, ctx: &Ctx) -> Vec<DetailLine> {
        let Some(d) = &self.detail.content else {
            return Vec::new();
        };
        let (r, l) = (&d.row, ctx.locale);
        let none = || ctx.t("detail.none");
        let mut out = vec![
            DetailLine::Styled(
                ctx.t("col.status"),
                format::status("payment", &r.status, l),
                status_tone(&r.status),
            ),
            DetailLine::Styled(
                ctx.t("ledger_view.amount"),
                format::money(r.amount, &r.currency, l),
                Tone::Accent,
            ),
            DetailLine::Field(
                ctx.t("payments_view.direction"),
                format::status("payment_direction", &r.direction, l),
            ),
            DetailLine::Field(ctx.t("escrow_view.provider"), r.provider.clone()),
            DetailLine::Field(ctx.t("col.reference"), r.provider_reference.clone()),
        ];
        if let Some(why) = &r.failure_reason {
            out.push(DetailLine::Styled(
                ctx.t("payments_view.failure"),
                why.clone(),
                Tone::Danger,
            ));
        }
        out.push(DetailLine::Field(
            ctx.t("escrow_view.opened"),
            format::absolute(r.created_at, l),
        ));
        out.push(DetailLine::Field(
            ctx.t("detail.updated"),
            format::absolute(r.updated_at, l),
        ));
        match &d.escrow {
            Some(e) => {
                let m = |v: i64| format::money(v, &e.currency, l);
                out.push(DetailLine::Section(
                    ctx.ta("ledger_view.escrow", &[("id", &e.id.to_string())]),
                ));
                out.push(DetailLine::Field(
                    ctx.t("col.status"),
                    format::status("escrow", &e.status, l),
                ));
                out.extend(super::project_lines(
                    ctx,
                    (e.project_id, &e.project_title, &e.project_status),
                    &e.client_name,
                    e.developer_name.as_deref(),
                ));
                out.push(DetailLine::Field(
                    ctx.t("escrow_view.held"),
                    m(e.amount_held),
                ));
                out.push(DetailLine::Field(
                    ctx.t("escrow_view.released"),
                    m(e.amount_released),
                ));
                out.push(DetailLine::Field(
                    ctx.t("escrow_view.refunded"),
                    m(e.amount_refunded),
                ));
                out.push(DetailLine::Field(
                    ctx.t("escrow_view.remaining"),
                    m(e.amounts().remaining()),
                ));
            }
            None => {
                out.push(DetailLine::Section(ctx.t("payments_view.escrow")));
                let project = r.project_id.map(|p| format!("#{p}")).unwrap_or_else(none);
                out.push(DetailLine::Field(ctx.t("col.project"), project));
            }
        }
        if r.direction == "payout" {
            out.push(DetailLine::Section(ctx.t("payments_view.batch")));
            match &d.batch {
                Some((id, rows)) => {
                    out.push(DetailLine::Field(ctx.t("ledger_view.batch"), id.clone()));
                    for p in rows {
                        out.push(DetailLine::Field(
                            format!("#{}", p.id),
                            payment_line(p, ctx),
                        ));
                    }
                }
                None => out.push(DetailLine::Text(none())),
            }
        }
        out
    }
    fn reference(&self, r: &PaymentRow) -> String {
        format!("{} {}", r.provider, r.provider_reference)
    }
    fn subject(&self, r: &PaymentRow) -> Option<(&'static str, i64)> {
        Some(("payment_transaction", r.id))
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        // Offered with the permission, and when the current row's status allows it.
        let row = self.list.current();
        let mut out: Vec<Action> = [
            Action::Screen(CONFIRM_PAYMENT),
            Action::Screen(FAIL_PAYMENT),
        ]
        .into_iter()
        .filter(|a| self.needs(*a).is_some_and(|p| ctx.may(p)))
        .filter(|a| row.is_none_or(|r| refusal(*a, r, ctx).is_none()))
        .collect();
        out.push(Action::Screen(RECONCILE));
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        if action == Action::Screen(RECONCILE) {
            // A report reads only; recording what it shows goes through K / x's rules.
            return Some(vec![jobs::reconcile_start(ctx.data_dir, ctx.locale)]);
        }
        // The permission the action needs was checked by the dispatcher before this.
        self.needs(action)?;
        let r = self.list.current()?;
        if let Some(why) = refusal(action, r, ctx) {
            return Some(vec![Effect::Refuse(why)]);
        }
        let locale = ctx.locale;
        match action {
            Action::Screen(CONFIRM_PAYMENT) => {
                let row = r.clone();
                let title = ctx.ta(
                    "payments_view.confirm_title",
                    &[
                        ("id", &r.id.to_string()),
                        ("amount", &format::money(r.amount, &r.currency, locale)),
                        ("provider", &sanitize_line(&r.provider)),
                    ],
                );
                Some(vec![Effect::Prompt {
                    title,
                    text: sanitize_line(&r.provider_reference),
                    submit: Arc::new(move |typed| jobs::confirm_step(&row, typed, locale)),
                }])
            }
            Action::Screen(FAIL_PAYMENT) => Some(vec![jobs::fail_step(r, locale)]),
            _ => None,
        }
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "payment_transaction" | "escrow")
    }
}
