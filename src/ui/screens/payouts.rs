//! Payouts (a view, `:payouts`, permission escrow.release like `payout.batch`): at the top what
//! each developer is owed on the payable account, one line per developer and currency (never
//! two currencies summed); below, the payouts newest first — id, developer, provider, amount,
//! status, reference, batch, failure — narrowed by `status:` `provider:` `currency:`
//! `batch:<id>` `developer:<id>` (free text is a batch id). The detail shows the payout, the
//! transfers that paid it out, its batch and what its developer is owed now. `N` makes a batch
//! through a provider (the provider, then the currency, then a confirmation naming how many
//! payouts and their total in that currency); its files, one per currency, go to exports/ in
//! the data directory. `K` marks a pending payout sent (the provider's reference, then a
//! confirmation), `x` failed (with a reason: the amount is owed to the developer again) — the
//! same questions as in `:payments`. All three need escrow.release, refused before anything
//! opens otherwise; K and x are offered on a pending payout only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

use crate::domain::{Permission, sanitize_line};
use crate::office::payout_file::Owed;
use crate::office::{format, words};
use crate::service::ServiceError;
use crate::store::payouts::{PayoutFilter, PayoutRow};
use crate::store::{Anchor, Page};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Job, Typed};
use crate::ui::widgets::detail::DetailLine;
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, Fill, ListView, identified_by_id, styled};

use super::payments::{failure_line, status_and_amount, status_tone};
use super::{Ctx, DetailState, Effect, ListScreen, TabId, currency_value, status_values};

pub mod jobs;

use jobs::PayoutDetail;

/// The providers a payout goes through (`provider:` takes them).
const PROVIDERS: [&str; 6] = [
    "cinetpay",
    "mtn_momo",
    "moov_money",
    "orange_money",
    "wave",
    "stripe",
];
const STATUSES: [&str; 5] = ["initiated", "pending", "succeeded", "failed", "cancelled"];
/// Lines of what is owed shown above the payouts at most (all of them: `payout list`).
const OWED_LINES: usize = 6;
/// Below this height the payouts alone are shown.
const MIN_HEIGHT: u16 = 18;

#[derive(Default)]
pub struct PayoutsScreen {
    pub list: ListView<PayoutRow>,
    pub detail: DetailState<PayoutDetail>,
    pub filter: PayoutFilter,
    pub filter_raw: String,
    /// What developers are owed now, per currency (read with the list's first window).
    pub owed: Option<Vec<Owed>>,
}

/// A window of the payouts, with what is owed when the window starts from the top or is
/// refreshed in place.
pub struct PayoutsPage {
    pub page: Page<PayoutRow>,
    pub owed: Option<Vec<Owed>>,
}

identified_by_id!(PayoutRow);

/// The provider has not answered for it yet: it may be marked sent or failed.
fn open(r: &PayoutRow) -> bool {
    matches!(r.status.as_str(), "initiated" | "pending")
}

/// Why `K` / `x` cannot be used on this payout as it stands, naming its status.
fn refusal(r: &PayoutRow, ctx: &Ctx) -> Option<String> {
    if open(r) {
        return None;
    }
    let status = format::status("payment", &r.status, ctx.locale);
    Some(ctx.ta(
        "payouts_view.not_open",
        &[("id", &r.id.to_string()), ("status", &status)],
    ))
}

fn developer(r: &PayoutRow) -> String {
    r.developer_name.clone().unwrap_or_else(|| "—".into())
}

/// This screen's own actions.
const CREATE: Verb = Verb("create");
const CONFIRM_PAYMENT: Verb = Verb("confirm_payment");
const FAIL_PAYMENT: Verb = Verb("fail_payment");
const SAME_BATCH: Verb = Verb("same_batch");

impl ListScreen for PayoutsScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(CREATE, &["N"], Permission::EscrowRelease),
        Declared::write(CONFIRM_PAYMENT, &["K"], Permission::EscrowRelease),
        Declared::write(FAIL_PAYMENT, &["x"], Permission::EscrowRelease),
        Declared::read(SAME_BATCH, &["b"]),
    ];
    const SUBJECT: Option<&'static str> = Some("payment_transaction");

    super::screen_fields!(TabId::Payouts, PayoutRow, PayoutDetail);
    super::detail_request!(jobs::detail);

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        let filter = self.filter.clone();
        let with_owed = matches!(anchor, Anchor::First | Anchor::From(_));
        Job::new(move |mut db, _| async move {
            let page =
                crate::store::payouts::page_payouts(&mut db, &filter, &anchor, limit).await?;
            let owed = match with_owed {
                true => Some(crate::office::payout_file::owed_now(&mut db, jobs::OWED_READ).await?),
                false => None,
            };
            Ok::<_, ServiceError>(PayoutsPage { page, owed })
        })
    }
    fn rows_of(&self, answer: Typed) -> Result<Page<PayoutRow>, Typed> {
        answer.take::<PayoutsPage>().map(|a| a.page)
    }
    fn take(&mut self, reply: Typed, fill: Fill) -> bool {
        match reply.take::<PayoutsPage>() {
            Ok(a) => {
                if a.owed.is_some() {
                    self.owed = a.owed;
                }
                self.list.apply(a.page, fill);
                true
            }
            Err(reply) => self.take_detail(reply),
        }
    }
    fn export_header(&self) -> Vec<&'static str> {
        vec![
            "amount_minor",
            "currency",
            "status_code",
            "developer_id",
            "project_id",
            "created_at_utc",
        ]
    }
    fn export_values(&self, r: &PayoutRow) -> Vec<String> {
        vec![
            r.amount.to_string(),
            r.currency.clone(),
            r.status.clone(),
            r.developer_id.map(|d| d.to_string()).unwrap_or_default(),
            r.project_id.map(|p| p.to_string()).unwrap_or_default(),
            super::utc(r.created_at),
        ]
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.filter = PayoutFilter {
            statuses: status_values(p, &STATUSES),
            providers: p.choices(&["provider", "prestataire", "psp"], &PROVIDERS),
            currencies: currency_value(p).into_iter().collect(),
            batch_id: p.first(&["batch", "lot"]).or_else(|| p.text()),
            developer_id: p.number(&["developer", "dev", "développeur"]),
        };
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        super::dated_columns(
            ctx,
            [
                Column::new(ctx.t("col.developer"), Constraint::Fill(2)),
                Column::new(ctx.t("escrow_view.provider"), Constraint::Length(8)),
                Column::new(ctx.t("ledger_view.amount"), Constraint::Length(9)).right(),
                Column::new(ctx.t("col.status"), Constraint::Length(8)),
                Column::new(ctx.t("col.reference"), Constraint::Fill(2)).optional(),
                Column::new(ctx.t("ledger_view.batch"), Constraint::Fill(2)).optional(),
                Column::new(ctx.t("payments_view.failure"), Constraint::Fill(1)).optional(),
            ],
        )
    }
    fn cells(&self, r: &PayoutRow, ctx: &Ctx) -> Vec<Cell> {
        let l = ctx.locale;
        vec![
            r.id.to_string().into(),
            format::when(r.created_at, ctx.now, l).into(),
            developer(r).into(),
            words::provider(&r.provider, l).into(),
            format::money(r.amount, &r.currency, l).into(),
            styled(
                format::status("payment", &r.status, l),
                status_tone(&r.status).style(ctx.theme),
            ),
            r.provider_reference.clone().into(),
            r.batch_id.clone().unwrap_or_else(|| "—".into()).into(),
            r.failure_reason.clone().unwrap_or_default().into(),
        ]
    }
    fn empty_text(&self, ctx: &Ctx) -> String {
        match self.filter_text() {
            "" => ctx.t("payouts_view.empty"),
            raw => ctx.ta("empty.filtered", &[("filter", raw)]),
        }
    }
    fn heading(&self, d: &PayoutDetail, ctx: &Ctx) -> String {
        ctx.ta(
            "payouts_view.heading",
            &[
                ("id", &d.row.id.to_string()),
                ("developer", &sanitize_line(&developer(&d.row))),
            ],
        )
    }
    fn body(&self, d: &PayoutDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (r, l) = (&d.row, ctx.locale);
        let none = || ctx.t("detail.none");
        let mut out = status_and_amount(&r.status, r.amount, &r.currency, ctx);
        let developer_id = r.developer_id.map(|id| format!("{} (#{id})", developer(r)));
        out.extend(super::fields(
            ctx,
            [
                ("col.developer", developer_id.unwrap_or_else(none)),
                ("escrow_view.provider", words::provider(&r.provider, l)),
                ("col.reference", r.provider_reference.clone()),
                ("ledger_view.batch", r.batch_id.clone().unwrap_or_else(none)),
            ],
        ));
        out.extend(failure_line(r.failure_reason.as_deref(), ctx));
        out.extend(super::fields(
            ctx,
            [
                (
                    "col.project",
                    r.project_id.map(|p| format!("#{p}")).unwrap_or_else(none),
                ),
                ("escrow_view.opened", format::absolute(r.created_at, l)),
                ("detail.updated", format::absolute(r.updated_at, l)),
            ],
        ));
        out.push(DetailLine::Section(ctx.t("payouts_view.paid_by")));
        if d.transfers.is_empty() {
            out.push(DetailLine::Text(none()));
        }
        for (id, amount, currency, project) in &d.transfers {
            let project = project.map(|p| format!(" · #{p}")).unwrap_or_default();
            out.push(DetailLine::Field(
                ctx.ta("payouts_view.transfer", &[("id", &id.to_string())]),
                format!("{}{project}", format::money(*amount, currency, l)),
            ));
        }
        if let Some(batch) = &r.batch_id {
            out.push(DetailLine::Section(
                ctx.ta("payouts_view.batch_section", &[("batch", batch)]),
            ));
            for p in &d.batch {
                out.push(DetailLine::Field(
                    format!("#{}", p.id),
                    format!(
                        "{} · {} · {}",
                        sanitize_line(&developer(p)),
                        format::money(p.amount, &p.currency, l),
                        format::status("payment", &p.status, l),
                    ),
                ));
            }
        }
        if let Some(dev) = r.developer_id {
            out.push(DetailLine::Section(ctx.ta(
                "payouts_view.owed_now",
                &[("developer", &sanitize_line(&developer(r)))],
            )));
            let owed: Vec<&Owed> = self
                .owed
                .iter()
                .flatten()
                .filter(|o| o.developer_id == dev)
                .collect();
            if owed.is_empty() {
                out.push(DetailLine::Text(none()));
            }
            for o in owed {
                out.push(DetailLine::Field(
                    o.currency.clone(),
                    format::money(o.amount, &o.currency, l),
                ));
            }
        }
        out
    }
    fn reference(&self, r: &PayoutRow) -> String {
        format!("{} {}", r.provider, r.provider_reference)
    }
    fn action_label(&self, action: Action, ctx: &Ctx) -> Option<String> {
        match action {
            Action::Screen(CREATE) => Some(ctx.t("payouts_view.new_batch")),
            Action::Screen(CONFIRM_PAYMENT) => Some(ctx.t("payouts_view.mark_sent")),
            Action::Screen(FAIL_PAYMENT) => Some(ctx.t("payouts_view.mark_failed")),
            _ => None,
        }
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        if ctx.may(Permission::EscrowRelease) {
            out.push(Action::Screen(CREATE));
            // Offered on a payout the provider has not answered for yet.
            if self.list.current().is_some_and(open) {
                out.extend([
                    Action::Screen(CONFIRM_PAYMENT),
                    Action::Screen(FAIL_PAYMENT),
                ]);
            }
        }
        if self.list.current().is_some_and(|r| r.batch_id.is_some()) {
            out.push(Action::Screen(SAME_BATCH));
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        // `b`: every payout of the current one's batch (to check a provider's upload).
        if action == Action::Screen(SAME_BATCH) {
            let batch = self.list.current()?.batch_id.clone()?;
            return Some(vec![Effect::Visit {
                tab: TabId::Payouts,
                filter: format!("batch:{batch}"),
            }]);
        }
        // The permission the action needs was checked by the dispatcher before this.
        self.needs(action)?;
        let locale = ctx.locale;
        if action == Action::Screen(CREATE) {
            let dir = ctx.data_dir.map(|d| d.join("exports"));
            return Some(vec![Effect::Choose(jobs::pick_provider(dir, locale))]);
        }
        let r = self.list.current()?;
        if let Some(why) = refusal(r, ctx) {
            return Some(vec![Effect::Refuse(why)]);
        }
        match action {
            Action::Screen(CONFIRM_PAYMENT) => Some(vec![jobs::mark_sent(r, locale)]),
            Action::Screen(FAIL_PAYMENT) => Some(vec![jobs::mark_failed(r, locale)]),
            _ => None,
        }
    }
    fn chart_height(&self, area: Rect) -> u16 {
        let Some(owed) = &self.owed else {
            return 0;
        };
        if area.height < MIN_HEIGHT || area.width < 40 {
            return 0;
        }
        // Borders and the header line, then one line per developer and currency.
        let lines = owed.len().clamp(1, OWED_LINES) as u16;
        (lines + 3).min(area.height / 3)
    }
    fn draw_chart(&self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        let owed = self.owed.as_deref().unwrap_or_default();
        let l = ctx.locale;
        let room = usize::from(area.height.saturating_sub(3));
        let shown = owed.len().min(room);
        let mut title = ctx.ta("payouts_view.owed_title", &[("n", &owed.len().to_string())]);
        if shown < owed.len() {
            let more = (owed.len() - shown).to_string();
            title = format!(
                "{title} · {}",
                ctx.ta("payouts_view.owed_more", &[("n", &more)])
            );
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(ctx.theme.border)
            .title(Span::styled(
                format!(" {} ", sanitize_line(&title)),
                ctx.theme.header,
            ));
        if owed.is_empty() {
            let text = Line::styled(ctx.t("payouts_view.owed_none"), ctx.theme.muted);
            f.render_widget(Paragraph::new(text).block(block), area);
            return;
        }
        let header = Row::new([
            Line::from(ctx.t("col.developer")),
            Line::from(ctx.t("payouts_view.owed")).right_aligned(),
            Line::from(ctx.t("payouts_view.projects")).right_aligned(),
            Line::from(ctx.t("escrow_view.provider")),
        ])
        .style(ctx.theme.header);
        let amounts: Vec<String> = owed[..shown]
            .iter()
            .map(|o| format::money(o.amount, &o.currency, l))
            .collect();
        let widest = amounts
            .iter()
            .map(|a| crate::domain::display_width(a))
            .chain([crate::domain::display_width(&ctx.t("payouts_view.owed"))])
            .max()
            .unwrap_or(0) as u16;
        let rows = owed[..shown].iter().zip(&amounts).map(|(o, amount)| {
            let provider = o
                .provider
                .map(|p| words::provider(p, l))
                .or_else(|| {
                    let method = o.payout_method.as_deref()?;
                    Some(sanitize_line(&format::status("payout", method, l)))
                })
                .unwrap_or_else(|| "—".into());
            Row::new([
                Line::from(sanitize_line(&o.developer_name)),
                Line::from(amount.clone()).right_aligned(),
                Line::from(o.projects.len().to_string()).right_aligned(),
                Line::from(provider),
            ])
        });
        let widths = [
            Constraint::Fill(1),
            Constraint::Length(widest),
            Constraint::Length(8),
            Constraint::Length(13),
        ];
        let table = Table::new(rows, widths)
            .header(header)
            .column_spacing(2)
            .block(block)
            .style(ctx.theme.base);
        f.render_widget(table, area);
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "payment_transaction" | "escrow" | "commission")
    }
}
