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
use crate::office::{format, words};
use crate::store::escrows::PaymentRow;
use crate::store::payments::Filter;
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, identified_by_id, styled};

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

identified_by_id!(PaymentRow);

/// The tone of a transaction's status (a payout's too).
pub(crate) fn status_tone(status: &str) -> Tone {
    match status {
        "succeeded" => Tone::Ok,
        "failed" => Tone::Danger,
        "initiated" | "pending" => Tone::Warning,
        _ => Tone::Muted,
    }
}

/// A transaction's status and amount, first in its detail (a payout's too).
pub(crate) fn status_and_amount(
    status: &str,
    amount: i64,
    currency: &str,
    ctx: &Ctx,
) -> Vec<DetailLine> {
    vec![
        DetailLine::Styled(
            ctx.t("col.status"),
            format::status("payment", status, ctx.locale),
            status_tone(status),
        ),
        DetailLine::Styled(
            ctx.t("ledger_view.amount"),
            format::money(amount, currency, ctx.locale),
            Tone::Accent,
        ),
    ]
}

/// Why a transaction failed, if it did (a payout's too).
pub(crate) fn failure_line(reason: Option<&str>, ctx: &Ctx) -> Option<DetailLine> {
    reason
        .map(|why| DetailLine::Styled(ctx.t("payments_view.failure"), why.to_owned(), Tone::Danger))
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
        sanitize_line(&words::provider(&p.provider, ctx.locale)),
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
    const SUBJECT: Option<&'static str> = Some("payment_transaction");

    super::screen_fields!(TabId::Payments, PaymentRow, PaymentDetail);
    super::list_request!(crate::store::payments::page);
    super::detail_request!(jobs::detail);

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
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        super::dated_columns(
            ctx,
            [
                Column::new(ctx.t("payments_view.direction"), Constraint::Length(8)),
                Column::new(ctx.t("col.status"), Constraint::Length(8)),
                Column::new(ctx.t("ledger_view.amount"), Constraint::Length(9)).right(),
                Column::new(ctx.t("escrow_view.provider"), Constraint::Length(8)),
                Column::new(ctx.t("col.reference"), Constraint::Fill(2)).optional(),
                Column::new(ctx.t("payments_view.escrow"), Constraint::Length(4))
                    .right()
                    .optional(),
            ],
        )
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
            words::provider(&r.provider, l).into(),
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
    fn body(&self, d: &PaymentDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (r, l) = (&d.row, ctx.locale);
        let none = || ctx.t("detail.none");
        let mut out = status_and_amount(&r.status, r.amount, &r.currency, ctx);
        out.extend(super::fields(
            ctx,
            [
                (
                    "payments_view.direction",
                    format::status("payment_direction", &r.direction, l),
                ),
                ("escrow_view.provider", words::provider(&r.provider, l)),
                ("col.reference", r.provider_reference.clone()),
            ],
        ));
        out.extend(failure_line(r.failure_reason.as_deref(), ctx));
        out.extend(super::fields(
            ctx,
            [
                ("escrow_view.opened", format::absolute(r.created_at, l)),
                ("detail.updated", format::absolute(r.updated_at, l)),
            ],
        ));
        match &d.escrow {
            Some(e) => super::escrow_lines(e, true, ctx, &mut out),
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
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        // Offered with the permission, and when the current row's status allows it.
        let verbs = [CONFIRM_PAYMENT, FAIL_PAYMENT];
        let mut out = super::permitted(self, &verbs, ctx, |a, r| refusal(a, r, ctx).is_none());
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
                        (
                            "provider",
                            &sanitize_line(&words::provider(&r.provider, locale)),
                        ),
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
