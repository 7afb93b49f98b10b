//! Marked rewards approved together: space marks a row (kept as it was when marked, so a
//! marked row that scrolled out of the window still counts), `a` with marks asks once,
//! stating how many and the total per currency (never summed across currencies) and which
//! marked rewards are left out and why (still in their hold, already decided); then each is
//! approved in its own transaction through `referral_decisions::approve`, and one toast says
//! how many were approved, how many wait for a second approver and why, and why the others
//! were refused.

use std::collections::BTreeMap;

use crate::domain::Locale;
use crate::office::format;
use crate::office::messages::plural;
use crate::service::referral_bulk;
use crate::store::referral_rewards::RewardRow;
use crate::ui::data::{Done, Job};

use super::super::{Ctx, Effect};
use super::RewardsScreen;

impl RewardsScreen {
    /// Marks or unmarks the row under the cursor.
    pub(super) fn toggle_mark(&mut self) {
        self.list.toggle_kept(&mut self.marked);
    }

    /// The marked rows as last read.
    pub(super) fn marked_rows(&self) -> Vec<&RewardRow> {
        self.list.marked(&self.marked)
    }
}

/// "33 750 FCFA + 12,50 €": one total per currency, never summed across them.
pub(super) fn totals(rows: &[&RewardRow], locale: Locale) -> String {
    let mut by_currency: BTreeMap<&str, i64> = BTreeMap::new();
    for r in rows {
        *by_currency.entry(r.currency.as_str()).or_default() += r.amount;
    }
    by_currency
        .into_iter()
        .map(|(currency, amount)| format::money(amount, currency, locale))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Why a marked reward cannot be approved, as the row already says: still in its hold (with
/// the day it ends) or decided. None when it may be.
fn left_out(r: &RewardRow, ctx: &Ctx) -> Option<String> {
    let id = r.id.to_string();
    match r.status.as_str() {
        "pending" => None,
        "held" => {
            let until = format::absolute(r.due_at, ctx.locale);
            Some(ctx.ta("rewards_bulk.held", &[("id", &id), ("until", &until)]))
        }
        other => {
            let status = ctx.t(&format!("referral_reward.status.{other}"));
            Some(ctx.ta("rewards_bulk.decided", &[("id", &id), ("status", &status)]))
        }
    }
}

/// "a; b; c; …": the first reasons, then an ellipsis when there are more; else a full stop.
fn reasons(list: &[String]) -> String {
    let mut shown: Vec<&str> = list.iter().take(3).map(String::as_str).collect();
    if list.len() > 3 {
        shown.push("…");
    }
    let text = shown.join("; ");
    if list.len() > 3 { text } else { text + "." }
}

/// `a` with rows marked: the one confirmation (or the refusal, when none may be approved).
pub(super) fn approve_marked(s: &RewardsScreen, ctx: &Ctx) -> Vec<Effect> {
    let l = ctx.locale;
    let marked = s.marked_rows();
    let (mut due, mut out): (Vec<&RewardRow>, Vec<String>) = (Vec::new(), Vec::new());
    for r in &marked {
        match left_out(r, ctx) {
            Some(why) => out.push(why),
            None => due.push(r),
        }
    }
    if due.is_empty() {
        let (n, why) = (marked.len().to_string(), reasons(&out));
        let args = [("n", n.as_str()), ("why", why.as_str())];
        return vec![Effect::Refuse(plural(
            l,
            "rewards_bulk.none",
            marked.len(),
            &args,
        ))];
    }
    let n = due.len().to_string();
    let mut question = plural(
        l,
        "rewards_bulk.question",
        due.len(),
        &[("n", &n), ("totals", &totals(&due, l))],
    );
    if !out.is_empty() {
        let (k, why) = (out.len().to_string(), reasons(&out));
        let args = [("n", k.as_str()), ("why", why.as_str())];
        question.push_str(&plural(l, "rewards_bulk.left_out", out.len(), &args));
    }
    let ids: Vec<i64> = due.iter().map(|r| r.id).collect();
    vec![Effect::Confirm {
        title: ctx.t("confirm.title"),
        question,
        job: approve_many(ids, l),
    }]
}

/// Each reward in its own transaction, then one summary; the marks are used up.
fn approve_many(ids: Vec<i64>, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let report = referral_bulk::approve_many(&db, &actor, &origin, &ids).await?;
        Ok(Done {
            clears_selection: true,
            ..Done::text(crate::office::reward_approvals::summary(&report, locale))
        })
    })
}

/// The info line's "3 selected: 45 000 FCFA + 12,00 €".
pub(super) fn summary(s: &RewardsScreen, ctx: &Ctx) -> Option<String> {
    if s.list.selected.is_empty() {
        return None;
    }
    let marked = s.marked_rows();
    let n = s.list.selected.len();
    Some(plural(
        ctx.locale,
        "info.selected",
        n,
        &[
            ("n", &n.to_string()),
            ("totals", &totals(&marked, ctx.locale)),
        ],
    ))
}
