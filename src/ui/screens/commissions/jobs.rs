//! The commission writes this screen asks for, and what each says when it went through.

use crate::domain::Locale;
use crate::office::messages::{error_text, plural};
use crate::service::commissions::{self, Approval, Kind};
use crate::ui::data::{Done, Job};
use crate::ui::screens::{Compose, TextSize};

pub fn approve(kind: Kind, id: i64, seen: Option<i64>, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let key = match commissions::approve(&db, &actor, &origin, kind, id, seen).await? {
            Approval::Approved => "toast.approved",
            Approval::FirstOfTwo => "toast.first_approval",
        };
        Ok(Done::about(locale, key, id))
    })
}

/// Each selected commission in its own transaction, then one summary: how many went
/// through, how many await a second approver, and why the others were skipped.
pub fn approve_many(kind: Kind, ids: Vec<i64>, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let report = commissions::approve_many(&db, &actor, &origin, kind, &ids).await?;
        let approved = report.approved.len();
        let n = approved.to_string();
        let mut text = plural(locale, "toast.bulk_approved", approved, &[("n", &n)]);
        let first = report.first_of_two.len();
        if first > 0 {
            let m = first.to_string();
            text.push_str(&plural(locale, "toast.bulk_first", first, &[("n", &m)]));
        }
        if let Some((_, why)) = report.skipped.first() {
            let (m, why) = (report.skipped.len().to_string(), error_text(why, locale));
            let args = [("n", m.as_str()), ("why", why.as_str())];
            text.push_str(&plural(
                locale,
                "toast.bulk_skipped",
                report.skipped.len(),
                &args,
            ));
        }
        Ok(Done {
            clears_selection: true,
            ..Done::text(text)
        })
    })
}

/// Why the commission is cancelled (kept in the audit row), composed, then the cancellation.
pub fn cancel(kind: Kind, id: i64, seen: Option<i64>, locale: Locale) -> Compose {
    let key = format!("{}-{id}-cancel", kind.alias());
    Compose::new(key, TextSize::Reason, move |reason| {
        Job::write(move |db, actor, origin| async move {
            commissions::cancel(&db, &actor, &origin, kind, id, &reason, seen).await?;
            Ok(Done::about(locale, "toast.cancelled", id))
        })
    })
}

/// The reason for a rejection, composed, then the rejection.
pub fn reject(kind: Kind, id: i64, seen: Option<i64>, locale: Locale) -> Compose {
    let key = format!("{}-{id}-reject", kind.alias());
    Compose::new(key, TextSize::Reason, move |reason| {
        Job::write(move |db, actor, origin| async move {
            commissions::reject(&db, &actor, &origin, kind, id, &reason, seen).await?;
            Ok(Done::about(locale, "toast.rejected", id))
        })
    })
}

/// The payment as the provider's reference, typed on one line.
pub fn pay(kind: Kind, id: i64, seen: Option<i64>, locale: Locale, reference: String) -> Job {
    Job::write(move |db, actor, origin| async move {
        let reference = reference.trim();
        commissions::pay(&db, &actor, &origin, kind, id, reference, seen).await?;
        Ok(Done::about(locale, "toast.paid", id))
    })
}
