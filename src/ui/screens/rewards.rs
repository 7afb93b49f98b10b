//! Referral rewards (a view, `:rewards`): what referrers earned on the paid commissions of the
//! people they brought, newest first, with their state (held until its hold ends, then
//! pending approval). `a` approves a due reward (a second, different approver above the
//! threshold and for a flagged referral, the first told why), `r` rejects with a reason
//! (`referrals.manage`); space marks rows and `a` then approves the marked ones, each on its
//! own, after one confirmation (`bulk.rs`); the detail shows the referral's flags with their
//! evidence.

use std::collections::BTreeMap;
use std::sync::Arc;

use ratatui::layout::Constraint;

use crate::domain::{Currency, Permission, format_money, sanitize_line};
use crate::office::format;
use crate::service::referral_decisions::Approval;
use crate::service::{self, ServiceError};
use crate::store::audit::AuditRow;
use crate::store::referral_rewards::RewardRow;
use crate::store::{Anchor, Conn, Cursor};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Done, Job};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, identified_by_id, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId};

mod bulk;

#[derive(Clone, Debug, PartialEq)]
pub struct RewardDetail {
    pub reward: RewardRow,
    pub history: Vec<AuditRow>,
}

#[derive(Default)]
pub struct RewardsScreen {
    pub list: ListView<RewardRow>,
    pub detail: DetailState<RewardDetail>,
    pub filter_raw: String,
    /// The marked rows as they were when marked (`list.selected` says which are marked).
    marked: BTreeMap<i64, RewardRow>,
}

identified_by_id!(RewardRow);

fn amount(r: &RewardRow, ctx: &Ctx) -> String {
    match Currency::parse(&r.currency) {
        Ok(c) => format_money(r.amount, c, ctx.locale),
        Err(_) => format!("{} {}", r.amount, r.currency),
    }
}

fn status(r: &RewardRow, ctx: &Ctx) -> (String, Tone) {
    let tone = match r.status.as_str() {
        "pending" => Tone::Warning,
        "rejected" | "cancelled" | "clawed_back" => Tone::Danger,
        "held" => Tone::Muted,
        _ => Tone::Plain,
    };
    (ctx.t(&format!("referral_reward.status.{}", r.status)), tone)
}

/// The referral's signals with their evidence, one per line, in words.
fn flags(r: &RewardRow, locale: crate::domain::Locale) -> Vec<String> {
    crate::office::referral_flags::of(r.flags.as_ref())
        .iter()
        .map(|f| crate::office::referral_flags::line(f, locale))
        .collect()
}

async fn detail(c: &mut impl Conn, id: i64) -> Result<RewardDetail, ServiceError> {
    let now = service::now();
    let reward = super::found(
        crate::store::referral_rewards::get(c, id, now).await?,
        "referral_reward",
        id,
    )?;
    let history = crate::store::audit::history(c, "referral_reward", id, 30).await?;
    Ok(RewardDetail { reward, history })
}

/// This screen's own actions.
const APPROVE: Verb = Verb("approve");
const REJECT: Verb = Verb("reject");
const SELECT: Verb = Verb("select");

/// What an approval did, in the staff member's words.
fn approved(outcome: Approval, id: i64, locale: crate::domain::Locale) -> Done {
    let id = id.to_string();
    match outcome {
        Approval::Approved => Done::say(locale, "cli_referral.reward_approved", &[("id", &id)]),
        Approval::FirstOfTwo(why) => {
            let why = crate::office::reward_approvals::second_text(&why, locale);
            Done::say(
                locale,
                "cli_referral.reward_first_of_two",
                &[("id", &id), ("why", &why)],
            )
        }
    }
}

impl ListScreen for RewardsScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(APPROVE, &["a"], Permission::ReferralsManage),
        Declared::write(REJECT, &["r"], Permission::ReferralsManage),
        Declared {
            verb: SELECT,
            keys: &["space"],
            needs: Some(Permission::ReferralsManage),
            writes: false,
        },
    ];
    const SUBJECT: Option<&'static str> = Some("referral_reward");

    super::screen_fields!(TabId::Rewards, RewardRow, RewardDetail);
    super::detail_request!(detail);

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        Job::new(move |mut db, _| async move {
            let now = service::now();
            Ok::<_, ServiceError>(
                crate::store::referral_rewards::page(&mut db, now, &anchor, limit).await?,
            )
        })
    }
    fn cursor(&self, row: &RewardRow) -> Cursor {
        crate::store::referral_rewards::cursor(row)
    }
    fn set_filter(&mut self, raw: &str, _p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new(ctx.t("rewards_view.id"), Constraint::Length(6)).right(),
            Column::new(ctx.t("rewards_view.referrer"), Constraint::Fill(2)),
            Column::new(ctx.t("rewards_view.referred"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("rewards_view.commission"), Constraint::Length(10)).right(),
            Column::new(ctx.t("rewards_view.amount"), Constraint::Length(14)).right(),
            Column::new(ctx.t("rewards_view.status"), Constraint::Length(18)),
            Column::new(ctx.t("rewards_view.flags"), Constraint::Length(6)),
        ]
    }
    fn cells(&self, r: &RewardRow, ctx: &Ctx) -> Vec<Cell> {
        let (status, tone) = status(r, ctx);
        let flagged = match crate::office::referral_flags::of(r.flags.as_ref()).is_empty() {
            true => "",
            false => crate::office::referral_flags::MARK,
        };
        vec![
            r.id.to_string().into(),
            r.referrer_name.clone().into(),
            r.referred_name.clone().into(),
            format!("#{}", r.commission_id).into(),
            amount(r, ctx).into(),
            styled(status, tone.style(ctx.theme)),
            styled(flagged.to_owned(), Tone::Danger.style(ctx.theme)),
        ]
    }
    fn empty_text(&self, ctx: &Ctx) -> String {
        ctx.t("rewards_view.empty")
    }
    fn heading(&self, d: &RewardDetail, ctx: &Ctx) -> String {
        ctx.ta(
            "rewards_view.heading",
            &[
                ("id", &d.reward.id.to_string()),
                ("referrer", &d.reward.referrer_name),
            ],
        )
    }
    fn body(&self, d: &RewardDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (r, l) = (&d.reward, ctx.locale);
        let (status, tone) = status(r, ctx);
        let mut out = vec![
            DetailLine::Styled(ctx.t("rewards_view.status"), status, tone),
            DetailLine::Field(ctx.t("rewards_view.amount"), amount(r, ctx)),
            DetailLine::Field(ctx.t("rewards_view.referrer"), r.referrer_name.clone()),
            DetailLine::Field(ctx.t("rewards_view.referred"), r.referred_name.clone()),
            DetailLine::Field(
                ctx.t("rewards_view.commission"),
                format!("#{}", r.commission_id),
            ),
            DetailLine::Field(
                ctx.t("rewards_view.earned"),
                format::absolute(r.created_at, l),
            ),
            DetailLine::Field(ctx.t("rewards_view.due"), format::absolute(r.due_at, l)),
        ];
        let signals = flags(r, l);
        if !signals.is_empty() {
            out.push(DetailLine::Section(ctx.t("rewards_view.flags_heading")));
            for s in signals {
                out.push(DetailLine::Styled(String::new(), s, Tone::Danger));
            }
        }
        super::audit::history_lines(&d.history, ctx, &mut out);
        out
    }
    fn reference(&self, r: &RewardRow) -> String {
        format!("referral reward #{}", r.id)
    }
    fn action_label(&self, action: Action, ctx: &Ctx) -> Option<String> {
        match action {
            Action::Screen(APPROVE) if !self.list.selected.is_empty() => {
                Some(ctx.t("rewards_bulk.approve_marked"))
            }
            Action::Screen(APPROVE) => Some(ctx.t("rewards_view.approve")),
            Action::Screen(REJECT) => Some(ctx.t("rewards_view.reject")),
            _ => None,
        }
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        let open = self
            .list
            .current()
            .is_some_and(|r| matches!(r.status.as_str(), "held" | "pending"));
        if ctx.may(Permission::ReferralsManage) {
            // Marked rows are approved together, wherever the cursor is.
            if open || !self.list.selected.is_empty() {
                out.push(Action::Screen(APPROVE));
            }
            if open {
                out.push(Action::Screen(REJECT));
            }
            if self.list.current().is_some() {
                out.push(Action::Screen(SELECT));
            }
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        // The permission the action needs was checked by the dispatcher before this.
        self.needs(action)?;
        if action == Action::Screen(SELECT) {
            self.toggle_mark();
            return Some(Vec::new());
        }
        if action == Action::Screen(APPROVE) && !self.list.selected.is_empty() {
            return Some(bulk::approve_marked(self, ctx));
        }
        let r = self.list.current()?;
        let (id, locale) = (r.id, ctx.locale);
        // Refusals come before any question: a decided reward, or one still in its hold.
        if !matches!(r.status.as_str(), "held" | "pending") {
            let (status, _) = status(r, ctx);
            return Some(vec![Effect::Refuse(
                ctx.ta("rewards_view.decided", &[("status", &status)]),
            )]);
        }
        if action == Action::Screen(APPROVE) && r.status == "held" {
            let until = format::absolute(r.due_at, locale);
            return Some(vec![Effect::Refuse(
                ctx.ta("error.invalid_message.reward_on_hold", &[("until", &until)]),
            )]);
        }
        let who = sanitize_line(&r.referrer_name);
        let money = amount(r, ctx);
        if action == Action::Screen(APPROVE) {
            return Some(vec![Effect::Confirm {
                title: ctx.t("confirm.title"),
                question: ctx.ta(
                    "rewards_view.approve_question",
                    &[("amount", &money), ("referrer", &who)],
                ),
                job: Job::write(move |db, actor, origin| async move {
                    let outcome =
                        service::referral_decisions::approve(&db, &actor, &origin, id).await?;
                    Ok(approved(outcome, id, locale))
                }),
            }]);
        }
        Some(vec![Effect::Prompt {
            title: ctx.ta(
                "rewards_view.reject_title",
                &[("amount", &money), ("referrer", &who)],
            ),
            text: String::new(),
            submit: Arc::new(move |reason: String| {
                Job::write(move |db, actor, origin| async move {
                    service::referral_decisions::reject(&db, &actor, &origin, id, &reason).await?;
                    Ok(Done::say(
                        locale,
                        "cli_referral.reward_rejected",
                        &[("id", &id.to_string())],
                    ))
                })
            }),
        }])
    }
    fn summary(&self, ctx: &Ctx) -> Option<String> {
        bulk::summary(self, ctx)
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "referral_reward" | "commission")
    }
}
