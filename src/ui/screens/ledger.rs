//! Ledger (a view, `:ledger`): the double-entry transfers, newest first, narrowed by
//! `account:<code>` (`account:escrow`), `currency:`, `code:<number>`, `project:<id>`,
//! `batch:<id>` and free text (the start of an idempotency key). The detail shows both
//! accounts with their cached totals, the transfer's amount, phase, key and batch, its
//! project and that project's escrow, and the commission a commission's transfer paid.
//! `v` verifies the whole ledger, `b` lists the accounts with their figures (both in a picker).

use ratatui::layout::Constraint;

use crate::domain::sanitize_line;
use crate::office::{format, words};
use crate::store::escrows::TransferRow;
use crate::store::ledger::{AccountRow, TransferFilter};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, identified_by_id, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId};

pub mod jobs;

use jobs::TransferDetail;

/// The account codes (`account:` takes them; each is also the account's kind).
pub const ACCOUNTS: [&str; 8] = [
    "psp_clearing",
    "client_funds",
    "escrow",
    "developer_payable",
    "contributor_payable",
    "referral_payable",
    "platform_revenue",
    "psp_fees",
];

#[derive(Default)]
pub struct LedgerScreen {
    pub list: ListView<TransferRow>,
    pub detail: DetailState<TransferDetail>,
    pub filter: TransferFilter,
    pub filter_raw: String,
}

identified_by_id!(TransferRow);

/// A transfer code in words ("5 · release").
fn code_word(ctx: &Ctx, code: i64) -> String {
    let key = format!("ledger_view.code_{code}");
    match ctx.t(&key) {
        t if t == key => code.to_string(),
        t => t,
    }
}

fn phase_tone(phase: &str) -> Tone {
    match phase {
        "pending" => Tone::Warning,
        "void_pending" => Tone::Muted,
        _ => Tone::Plain,
    }
}

/// An account's cached figures in the detail, under a section naming it.
fn account_lines(title: String, a: &AccountRow, ctx: &Ctx, out: &mut Vec<DetailLine>) {
    let m = |v: i64| format::money(v, &a.currency, ctx.locale);
    out.push(DetailLine::Section(title));
    out.push(DetailLine::Styled(
        ctx.t("ledger_view.balance"),
        m(a.balance()),
        if a.balance() < 0 {
            Tone::Warning
        } else {
            Tone::Accent
        },
    ));
    out.extend(super::fields(
        ctx,
        [
            ("ledger_view.debits_posted", m(a.debits_posted)),
            ("ledger_view.credits_posted", m(a.credits_posted)),
            ("ledger_view.debits_pending", m(a.debits_pending)),
            ("ledger_view.credits_pending", m(a.credits_pending)),
            (
                "ledger_view.rule",
                jobs::rule_word(&a.balance_rule, ctx.locale),
            ),
        ],
    ));
}

/// This screen's own actions.
const VERIFY: Verb = Verb("verify");
const SHOW_ACCOUNTS: Verb = Verb("accounts");

impl ListScreen for LedgerScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::read(VERIFY, &["v"]),
        Declared::read(SHOW_ACCOUNTS, &["b"]),
    ];
    super::screen_fields!(TabId::Ledger, TransferRow, TransferDetail);
    super::list_request!(crate::store::ledger::page_transfers);
    super::detail_request!(jobs::detail);

    fn export_header(&self) -> Vec<&'static str> {
        vec![
            "amount_minor",
            "currency",
            "code",
            "phase",
            "debit_account",
            "credit_account",
            "project_id",
            "batch_id",
            "created_at_utc",
        ]
    }
    fn export_values(&self, t: &TransferRow) -> Vec<String> {
        vec![
            t.amount.to_string(),
            t.currency.clone(),
            t.code.to_string(),
            t.phase.clone(),
            t.debit_code.clone(),
            t.credit_code.clone(),
            t.project_id.map(|p| p.to_string()).unwrap_or_default(),
            t.batch_id.clone().unwrap_or_default(),
            super::utc(t.created_at),
        ]
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.filter = TransferFilter {
            accounts: p.choices(&["account", "compte"], &ACCOUNTS),
            currencies: super::currency_values(p),
            code: p.number(&["code"]),
            project_id: p.number(&["project", "projet"]),
            batch_id: p.first(&["batch", "lot"]),
            key_prefix: p.text(),
        };
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        super::dated_columns(
            ctx,
            [
                // Words elide before amounts do: the fixed columns keep their widest value.
                Column::new(ctx.t("ledger_view.code"), Constraint::Fill(1)),
                Column::new(ctx.t("ledger_view.debit"), Constraint::Length(8)),
                Column::new(ctx.t("ledger_view.credit"), Constraint::Length(8)),
                Column::new(ctx.t("ledger_view.amount"), Constraint::Length(9)).right(),
                Column::new(ctx.t("col.project"), Constraint::Length(4))
                    .right()
                    .optional(),
                Column::new(ctx.t("ledger_view.key"), Constraint::Fill(2)).optional(),
            ],
        )
    }
    fn cells(&self, t: &TransferRow, ctx: &Ctx) -> Vec<Cell> {
        let code = code_word(ctx, t.code);
        vec![
            t.id.to_string().into(),
            format::when(t.created_at, ctx.now, ctx.locale).into(),
            if t.phase == "single" {
                code.into()
            } else {
                let phase = format::status("transfer_phase", &t.phase, ctx.locale);
                styled(
                    format!("{code} ({phase})"),
                    phase_tone(&t.phase).style(ctx.theme),
                )
            },
            words::account(&t.debit_code, ctx.locale).into(),
            words::account(&t.credit_code, ctx.locale).into(),
            format::money(t.amount, &t.currency, ctx.locale).into(),
            t.project_id
                .map(|p| format!("#{p}"))
                .unwrap_or_else(|| "—".into())
                .into(),
            words::ledger_key(&t.idempotency_key, ctx.locale).into(),
        ]
    }
    fn heading(&self, d: &TransferDetail, ctx: &Ctx) -> String {
        let t = &d.transfer;
        ctx.ta(
            "ledger_view.heading",
            &[("id", &t.id.to_string()), ("code", &code_word(ctx, t.code))],
        )
    }
    fn body(&self, d: &TransferDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (t, l) = (&d.transfer, ctx.locale);
        let none = || ctx.t("detail.none");
        let mut out = vec![
            DetailLine::Styled(
                ctx.t("ledger_view.amount"),
                format::money(t.amount, &t.currency, l),
                Tone::Accent,
            ),
            DetailLine::Field(
                ctx.t("ledger_view.movement"),
                words::movement(&t.debit_code, &t.credit_code, l),
            ),
            DetailLine::Field(ctx.t("ledger_view.code"), code_word(ctx, t.code)),
            DetailLine::Styled(
                ctx.t("ledger_view.phase"),
                format::status("transfer_phase", &t.phase, l),
                phase_tone(&t.phase),
            ),
            DetailLine::Field(
                ctx.t("ledger_view.key"),
                words::ledger_key(&t.idempotency_key, l),
            ),
            DetailLine::Field(
                ctx.t("ledger_view.batch"),
                t.batch_id
                    .as_deref()
                    .map(|b| words::ledger_key(b, l))
                    .unwrap_or_else(none),
            ),
            DetailLine::Field(ctx.t("col.when"), format::absolute(t.created_at, l)),
        ];
        for (key, account) in [
            ("ledger_view.debited", &d.debit),
            ("ledger_view.credited", &d.credit),
        ] {
            if let Some(a) = account {
                let account = words::account(&a.code, l);
                let title = ctx.ta(key, &[("account", &account), ("currency", &a.currency)]);
                account_lines(title, a, ctx, &mut out);
            }
        }
        out.push(DetailLine::Section(ctx.t("col.project")));
        match (t.project_id, &d.project) {
            (Some(id), Some((title, status, client, developer))) => {
                let (title, developer) = (sanitize_line(title), developer.as_deref());
                out.extend(super::project_lines(
                    ctx,
                    (id, &title, status),
                    client,
                    developer,
                ));
            }
            _ => out.push(DetailLine::Text(none())),
        }
        if let Some(e) = &d.escrow {
            super::escrow_lines(e, false, ctx, &mut out);
        }
        if matches!(
            t.code,
            crate::store::escrows::code::COMMISSION | crate::store::escrows::code::CONTRIBUTOR
        ) {
            out.push(DetailLine::Section(ctx.t("col.commission")));
            match &d.commission {
                Some((table, id, amount, currency, status)) => {
                    let kind = match *table {
                        "ext_commissions" => "ledger_view.ext_commission",
                        _ => "ledger_view.commission",
                    };
                    out.push(DetailLine::Field(
                        ctx.ta(kind, &[("id", &id.to_string())]),
                        format!(
                            "{} · {}",
                            format::money(*amount, currency, l),
                            format::status("commission", status, l)
                        ),
                    ));
                }
                None => out.push(DetailLine::Text(ctx.t("ledger_view.no_commission"))),
            }
        }
        out
    }
    fn reference(&self, t: &TransferRow) -> String {
        t.idempotency_key.clone()
    }
    fn actions(&self, _ctx: &Ctx) -> Vec<Action> {
        vec![Action::Screen(VERIFY), Action::Screen(SHOW_ACCOUNTS)]
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        match action {
            Action::Screen(VERIFY) => Some(vec![Effect::Choose(jobs::verify(ctx.locale))]),
            Action::Screen(SHOW_ACCOUNTS) => Some(vec![Effect::Choose(jobs::accounts(ctx.locale))]),
            _ => None,
        }
    }
    fn watches(&self, t: &str) -> bool {
        matches!(
            t,
            "escrow" | "commission" | "ext_commission" | "payment_transaction"
        )
    }
}
