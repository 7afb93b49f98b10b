//! Marked items approved together: space marks a row (kept as it was when marked), `a` with
//! marks asks once, saying how many and which marked items are left out and why (decided
//! already, an embed from a host not on the allowlist); then each is approved in its own
//! transaction through `service::media::approve` (which also refuses a file that is not what
//! it claims), and one toast says how many were approved and why the others were refused.

use crate::domain::Locale;
use crate::office::media_words;
use crate::office::messages::{error_text, plural};
use crate::service::media::{Rules, embed_allowed};
use crate::store::media::MediaRow;
use crate::ui::data::{Done, Job};

use super::super::{Ctx, Effect};
use super::MediaScreen;

impl MediaScreen {
    /// Marks or unmarks the row under the cursor.
    pub(super) fn toggle_mark(&mut self) {
        self.list.toggle_kept(&mut self.marked);
    }

    /// The marked rows as last read.
    pub(super) fn marked_rows(&self) -> Vec<&MediaRow> {
        self.list.marked(&self.marked)
    }
}

/// Why a marked item cannot be approved, None when it may be.
fn left_out(r: &MediaRow, rules: &Rules, ctx: &Ctx) -> Option<String> {
    let id = r.id.to_string();
    if r.moderation_status != "pending" {
        let status = media_words::status(&r.moderation_status, ctx.locale);
        return Some(ctx.ta("media_bulk.decided", &[("id", &id), ("status", &status)]));
    }
    embed_allowed(r, &rules.embeds).err().map(|e| {
        let why = media_words::refusal(&e, ctx.locale);
        ctx.ta("media_bulk.refused", &[("id", &id), ("why", &why)])
    })
}

/// "a; b; c; …": the first reasons, then an ellipsis when there are more.
fn reasons(list: &[String]) -> String {
    let mut shown: Vec<&str> = list.iter().take(3).map(String::as_str).collect();
    if list.len() > 3 {
        shown.push("…");
    }
    shown.join("; ")
}

/// `a` with rows marked: the one confirmation (or the refusal, when none may be approved).
pub(super) fn approve_marked(s: &MediaScreen, ctx: &Ctx) -> Vec<Effect> {
    let l = ctx.locale;
    let marked = s.marked_rows();
    let (mut due, mut out) = (Vec::new(), Vec::new());
    for r in &marked {
        match left_out(r, &s.rules, ctx) {
            Some(why) => out.push(why),
            None => due.push(r.id),
        }
    }
    if due.is_empty() {
        let (n, why) = (marked.len().to_string(), reasons(&out));
        let args = [("n", n.as_str()), ("why", why.as_str())];
        return vec![Effect::Refuse(plural(
            l,
            "media_bulk.none",
            marked.len(),
            &args,
        ))];
    }
    let n = due.len().to_string();
    let mut question = plural(l, "media_bulk.question", due.len(), &[("n", &n)]);
    if !out.is_empty() {
        let (k, why) = (out.len().to_string(), reasons(&out));
        let args = [("n", k.as_str()), ("why", why.as_str())];
        question.push_str(&plural(l, "media_bulk.left_out", out.len(), &args));
    }
    vec![Effect::Confirm {
        title: ctx.t("confirm.title"),
        question,
        job: approve_many(due, s.rules.clone(), l),
    }]
}

/// Each item in its own transaction, then one summary; the marks are used up.
fn approve_many(ids: Vec<i64>, rules: Rules, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let report = crate::service::media::approve_many(&db, &actor, &origin, &rules, &ids).await;
        let approved = report.iter().filter(|(_, r)| r.is_ok()).count();
        let refused: Vec<String> = report
            .iter()
            .filter_map(|(id, r)| {
                r.as_ref()
                    .err()
                    .map(|e| format!("#{id}: {}", error_text(e, locale)))
            })
            .collect();
        let n = approved.to_string();
        let mut text = plural(locale, "media_bulk.done", approved, &[("n", &n)]);
        if !refused.is_empty() {
            let (k, why) = (refused.len().to_string(), reasons(&refused));
            let args = [("n", k.as_str()), ("why", why.as_str())];
            text.push_str(&plural(
                locale,
                "media_bulk.refused_after",
                refused.len(),
                &args,
            ));
        }
        Ok(Done {
            clears_selection: true,
            ..Done::text(text)
        })
    })
}

/// The info line's "3 selected".
pub(super) fn summary(s: &MediaScreen, ctx: &Ctx) -> Option<String> {
    let n = s.list.selected.len();
    (n > 0).then(|| {
        plural(
            ctx.locale,
            "media_bulk.selected",
            n,
            &[("n", &n.to_string())],
        )
    })
}
