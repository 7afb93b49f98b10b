//! The finance work queue: pending commissions oldest first, with the split, prior decisions
//! and history in the detail pane; approve / reject / pay for those who hold the permission.

use ratatui::layout::Constraint;

use crate::domain::Permission;
use crate::office;
use crate::office::format;
use crate::office::messages::plural;
use crate::service::ServiceError;
use crate::service::commissions::{self, Decision, Kind};
use crate::store::commissions::{CommissionRow, Filter, Sort};
use crate::store::{Anchor, Cursor};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{CommissionDetail, Job};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId, codes, status_values};

mod detail;
mod jobs;

pub struct CommissionsScreen {
    pub list: ListView<CommissionRow>,
    pub detail: DetailState<CommissionDetail>,
    pub kind: Kind,
    pub sort: Sort,
    pub filter: Filter,
    pub filter_raw: String,
}

impl CommissionsScreen {
    pub fn new(oldest_first: bool) -> CommissionsScreen {
        CommissionsScreen {
            list: ListView::default(),
            detail: DetailState::default(),
            kind: Kind::Platform,
            sort: if oldest_first {
                Sort::Oldest
            } else {
                Sort::Newest
            },
            filter: Filter {
                statuses: vec!["pending".into()],
                ..Filter::default()
            },
            filter_raw: "status:pending".into(),
        }
    }
}

const SORTS: [Sort; 3] = [Sort::Oldest, Sort::Newest, Sort::AmountDesc];

pub fn status_tone(status: &str) -> Tone {
    match status {
        "pending" => Tone::Warning,
        "approved" => Tone::Accent,
        "paid" => Tone::Ok,
        "rejected" | "cancelled" => Tone::Muted,
        _ => Tone::Plain,
    }
}

/// This screen's own actions.
const APPROVE: Verb = Verb("approve");
const REJECT: Verb = Verb("reject");
const SELECT: Verb = Verb("select");
const CANCEL: Verb = Verb("cancel");
const PAY: Verb = Verb("pay");

impl ListScreen for CommissionsScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(APPROVE, &["a"], Permission::CommissionsApprove),
        Declared::write(REJECT, &["r"], Permission::CommissionsReject),
        Declared {
            verb: SELECT,
            keys: &["space"],
            needs: Some(Permission::CommissionsApprove),
            writes: false,
        },
        Declared::write(CANCEL, &["X"], Permission::CommissionsApprove),
        Declared::write(PAY, &["p"], Permission::CommissionsPay),
    ];
    super::screen_fields!(TabId::Commissions, CommissionRow, CommissionDetail);

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        let (kind, filter, sort) = (self.kind, self.filter.clone(), self.sort);
        Job::new(move |db, _| async move {
            crate::office::queue::page(&mut db.clone(), kind, &filter, sort, &anchor, limit).await
        })
    }
    fn cursor(&self, row: &CommissionRow) -> Cursor {
        self.sort.cursor(row)
    }
    fn detail_request(&self, row: &CommissionRow) -> Option<Job> {
        let (kind, id) = (self.kind, row.id);
        Some(Job::new(move |db, _| async move {
            let d = office::details::commission(&mut db.clone(), kind, id).await?;
            Ok::<_, ServiceError>((id, d))
        }))
    }
    fn export_header(&self) -> Vec<&'static str> {
        vec![
            "gross_minor",
            "rate_bps",
            "amount_minor",
            "currency",
            "status_code",
            "created_at_utc",
            "approved_at_utc",
            "paid_at_utc",
            "payment_reference",
        ]
    }
    fn export_values(&self, r: &CommissionRow) -> Vec<String> {
        vec![
            r.gross_amount.to_string(),
            r.rate_bps.to_string(),
            r.amount.to_string(),
            r.currency.clone(),
            r.status.clone(),
            super::utc(r.created_at),
            super::utc(r.approved_at),
            super::utc(r.paid_at),
            r.payment_reference.clone().unwrap_or_default(),
        ]
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        let statuses = status_values(p, &codes(crate::domain::CommissionStatus::ALL));
        let currency = super::currency_value(p);
        let money = currency
            .as_deref()
            .and_then(|c| crate::domain::Currency::parse(c).ok());
        let amount = |names: &[&str]| p.amount(names, money, ctx.locale);
        self.kind = if p.flag("external") || p.flag("externe") {
            Kind::External
        } else {
            Kind::Platform
        };
        let mine = p.flag("mine") || p.flag("moi");
        let mut text = p.text();
        for word in ["mine", "moi", "external", "externe"] {
            text = text
                .map(|t| {
                    t.split(' ')
                        .filter(|w| *w != word)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|t| !t.is_empty());
        }
        self.filter = Filter {
            statuses,
            currency,
            min_amount: amount(&["min"]),
            max_amount: amount(&["max"]),
            text,
            approvable_by: mine.then_some(ctx.actor.id),
            project_id: p.number(&["project", "projet"]),
            paid_between: p.period(&["paid", "payée", "payee"]).map(|(from, to)| {
                (
                    from.and_time(chrono::NaiveTime::MIN).and_utc(),
                    to.and_time(chrono::NaiveTime::MIN).and_utc(),
                )
            }),
        };
    }
    fn cycle_sort(&mut self, back: bool) {
        self.sort = super::cycle(&SORTS, self.sort, back);
    }
    fn sort_label(&self, ctx: &Ctx) -> String {
        let kind = if self.kind == Kind::External {
            format!("{} · ", ctx.t("commission.external"))
        } else {
            String::new()
        };
        kind + &ctx.t(match self.sort {
            Sort::Oldest => "sort.oldest",
            Sort::Newest => "sort.newest",
            Sort::AmountDesc => "sort.amount",
        })
    }

    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new("#", Constraint::Length(6)).right(),
            Column::new(ctx.t("col.project"), Constraint::Fill(3)),
            Column::new(ctx.t("col.client"), Constraint::Fill(2)).optional(),
            Column::new(
                ctx.t(if self.kind == Kind::External {
                    "col.contributor"
                } else {
                    "col.developer"
                }),
                Constraint::Fill(2),
            ),
            Column::new(ctx.t("col.gross"), Constraint::Length(16))
                .right()
                .optional(),
            Column::new(ctx.t("col.rate"), Constraint::Length(8))
                .right()
                .optional(),
            Column::new(ctx.t("col.commission"), Constraint::Length(15)).right(),
            Column::new(ctx.t("col.external"), Constraint::Length(13))
                .right()
                .optional(),
            Column::new(ctx.t("col.status"), Constraint::Length(16)),
            Column::new(ctx.t("col.age"), Constraint::Length(7))
                .right()
                .optional(),
        ]
    }
    fn cells(&self, r: &CommissionRow, ctx: &Ctx) -> Vec<Cell> {
        let l = ctx.locale;
        let status = crate::office::queue::status_cell(r, l);
        let age = r
            .created_at
            .map(|c| format::span((ctx.now - c).num_seconds(), l))
            .unwrap_or_default();
        vec![
            r.id.to_string().into(),
            r.project_title.clone().into(),
            r.client_name.clone().into(),
            (if self.kind == Kind::External {
                r.contributor.clone()
            } else {
                r.developer_name.clone()
            })
            .unwrap_or_else(|| "—".into())
            .into(),
            // An external share has no gross or rate of its own: a dash, not "0.00 %".
            if self.kind == Kind::External && r.gross_amount == 0 {
                "—".into()
            } else {
                format::money(r.gross_amount, &r.currency, l)
            }
            .into(),
            if self.kind == Kind::External && r.rate_bps == 0 {
                "—".into()
            } else {
                crate::domain::format_rate(r.rate_bps, l)
            }
            .into(),
            format::money(r.amount, &r.currency, l).into(),
            if r.ext_total > 0 {
                format::money(r.ext_total, &r.currency, l)
            } else {
                "—".into()
            }
            .into(),
            styled(status, status_tone(&r.status).style(ctx.theme)),
            age.into(),
        ]
    }
    fn empty_text(&self, ctx: &Ctx) -> String {
        ctx.ta("empty.commissions", &[("filter", &self.filter_raw)])
    }
    fn heading(&self, d: &Self::Detail, _ctx: &Ctx) -> String {
        format!("#{} · {}", d.row.id, d.row.project_title)
    }
    fn body(&self, d: &CommissionDetail, ctx: &Ctx) -> Vec<DetailLine> {
        detail::lines(d, self.kind, ctx)
    }
    fn reference(&self, r: &CommissionRow) -> String {
        format!("{} #{}", self.kind.alias(), r.id)
    }

    fn subject(&self, r: &CommissionRow) -> Option<(&'static str, i64)> {
        Some((self.kind.alias(), r.id))
    }
    fn needs(&self, action: Action) -> Option<Permission> {
        let approve = match self.kind {
            Kind::Platform => Permission::CommissionsApprove,
            Kind::External => Permission::ExtCommissionsApprove,
        };
        match action {
            Action::Screen(APPROVE) | Action::Screen(SELECT) | Action::Screen(CANCEL) => {
                Some(approve)
            }
            Action::Screen(REJECT) if self.kind == Kind::Platform => {
                Some(Permission::CommissionsReject)
            }
            Action::Screen(REJECT) => Some(approve),
            Action::Screen(PAY) => Some(Permission::CommissionsPay),
            _ => None,
        }
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        // Offered when the permission `needs` names is held and the current row's state
        // allows it (a pending row is approved or rejected, an approved one paid).
        let verbs = [APPROVE, REJECT, SELECT, CANCEL, PAY];
        let mut out = super::permitted(self, &verbs, ctx, |a, r| match decision(a) {
            Some(d) => {
                !self.list.selected.is_empty() && a == Action::Screen(APPROVE)
                    || !matches!(
                        commissions::refusal(ctx.actor, r, d),
                        Some(ServiceError::AlreadyDecided { .. } | ServiceError::Invalid { .. })
                    )
            }
            None => true,
        });
        // Marked rows are approved together even when the cursor is on none of them.
        let bulk = Action::Screen(APPROVE);
        if self.list.current().is_none()
            && !self.list.selected.is_empty()
            && self.needs(bulk).is_some_and(|p| ctx.may(p))
        {
            out.insert(0, bulk);
        }
        out.push(Action::History);
        out
    }

    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        if !self.needs(action).is_some_and(|p| ctx.may(p)) {
            return None;
        }
        let l = ctx.locale;
        let kind = self.kind;
        // What the row's state or four-eyes forbids is refused before anything opens.
        if let (Some(d), Some(r), true) = (
            decision(action),
            self.list.current(),
            self.list.selected.is_empty() || action != Action::Screen(APPROVE),
        ) && let Some(why) = commissions::refusal(ctx.actor, r, d)
        {
            let text = crate::office::messages::error_text(&why, l);
            return Some(vec![Effect::Refuse(text)]);
        }
        match action {
            Action::Screen(SELECT) => {
                self.list.toggle_selected();
                Some(Vec::new())
            }
            Action::Screen(APPROVE) => {
                // Several selected: each in its own transaction, then one summary.
                if !self.list.selected.is_empty() {
                    let ids: Vec<i64> = self.list.selected.iter().copied().collect();
                    let picked = self.picked();
                    let (n, totals) = (ids.len().to_string(), totals(&picked, l));
                    let mut question = plural(
                        l,
                        "confirm.bulk_approve",
                        ids.len(),
                        &[("n", &n), ("totals", &totals)],
                    );
                    let two = picked
                        .iter()
                        .filter(|r| r.needs_two() && r.first_approved_by.is_none())
                        .count();
                    if two > 0 {
                        let m = two.to_string();
                        question.push_str(&plural(l, "confirm.bulk_two", two, &[("n", &m)]));
                    }
                    return Some(vec![Effect::Confirm {
                        title: ctx.t("confirm.title"),
                        question,
                        job: jobs::approve_many(kind, ids, l),
                    }]);
                }
                let r = self.list.current()?;
                let question = ctx.ta(
                    "confirm.approve",
                    &[
                        ("amount", &format::money(r.amount, &r.currency, l)),
                        ("project", &r.project_title),
                    ],
                );
                Some(vec![Effect::Confirm {
                    title: ctx.t("confirm.title"),
                    question,
                    job: jobs::approve(kind, r.id, Some(r.lock_version), l),
                }])
            }
            Action::Screen(REJECT) => {
                let r = self.list.current()?;
                Some(vec![Effect::Compose {
                    title: ctx.ta(
                        "compose.reject_title",
                        &[("id", &r.id.to_string()), ("project", &r.project_title)],
                    ),
                    purpose: jobs::reject(kind, r.id, Some(r.lock_version), l),
                }])
            }
            Action::Screen(CANCEL) => {
                let r = self.list.current()?;
                let question = ctx.ta(
                    "confirm.cancel",
                    &[
                        ("amount", &format::money(r.amount, &r.currency, l)),
                        ("project", &r.project_title),
                    ],
                );
                Some(vec![Effect::Compose {
                    title: question,
                    purpose: jobs::cancel(kind, r.id, Some(r.lock_version), l),
                }])
            }
            Action::Screen(PAY) => {
                let r = self.list.current()?;
                let (id, seen) = (r.id, Some(r.lock_version));
                Some(vec![Effect::Prompt {
                    title: ctx.ta(
                        "compose.pay_title",
                        &[
                            ("amount", &format::money(r.amount, &r.currency, l)),
                            ("id", &r.id.to_string()),
                        ],
                    ),
                    text: String::new(),
                    submit: std::sync::Arc::new(move |reference| {
                        jobs::pay(kind, id, seen, l, reference)
                    }),
                }])
            }
            _ => None,
        }
    }

    fn summary(&self, ctx: &Ctx) -> Option<String> {
        if self.list.selected.is_empty() {
            return None;
        }
        let n = self.list.selected.len();
        let totals = totals(&self.picked(), ctx.locale);
        Some(plural(
            ctx.locale,
            "info.selected",
            n,
            &[("n", &n.to_string()), ("totals", &totals)],
        ))
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "commission" | "ext_commission" | "project")
    }
}

impl CommissionsScreen {
    /// The selected rows among those loaded.
    fn picked(&self) -> Vec<&CommissionRow> {
        let selected = &self.list.selected;
        self.list
            .rows
            .iter()
            .filter(|r| selected.contains(&r.id))
            .collect()
    }
}

/// "33 750 XOF + 55 500 XAF": one total per currency, never summed across them.
fn totals(rows: &[&CommissionRow], locale: crate::domain::Locale) -> String {
    let mut by_currency: std::collections::BTreeMap<&str, i64> = Default::default();
    for r in rows {
        *by_currency.entry(r.currency.as_str()).or_default() += r.amount;
    }
    by_currency
        .into_iter()
        .map(|(currency, amount)| format::money(amount, currency, locale))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The decision an action takes on a commission, if it is one.
fn decision(action: Action) -> Option<Decision> {
    match action {
        Action::Screen(APPROVE) => Some(Decision::Approve),
        Action::Screen(REJECT) => Some(Decision::Reject),
        Action::Screen(PAY) => Some(Decision::Pay),
        Action::Screen(CANCEL) => Some(Decision::Cancel),
        _ => None,
    }
}
