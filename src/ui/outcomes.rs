//! What an action did, in the staff member's language (the success toasts), and plurals.

use crate::domain::Locale;
use crate::tr;

use crate::office::messages::plural;
use crate::ui::data::Outcome;

pub fn outcome_text(o: &Outcome, locale: Locale) -> String {
    match o {
        Outcome::Approved {
            id,
            first_of_two: false,
        } => tr(locale, "toast.approved", &[("id", &id.to_string())]),
        Outcome::Approved {
            id,
            first_of_two: true,
        } => tr(locale, "toast.first_approval", &[("id", &id.to_string())]),
        Outcome::ReviewHidden { id } => {
            tr(locale, "toast.review_hidden", &[("id", &id.to_string())])
        }
        Outcome::AvailabilityChanged {
            user_id,
            to,
            changed,
        } => tr(
            locale,
            if *changed {
                "toast.availability_changed"
            } else {
                "toast.availability_unchanged"
            },
            &[
                ("id", &user_id.to_string()),
                (
                    "to",
                    &crate::office::format::status("availability", to, locale),
                ),
            ],
        ),
        Outcome::CapacityChanged { user_id } => tr(
            locale,
            "toast.capacity_saved",
            &[("id", &user_id.to_string())],
        ),
        Outcome::ReviewRestored { id } => {
            tr(locale, "toast.review_restored", &[("id", &id.to_string())])
        }
        Outcome::HoursPlanned { developer_id } => tr(
            locale,
            "toast.hours_planned",
            &[("id", &developer_id.to_string())],
        ),
        Outcome::Cancelled { id } => tr(locale, "toast.cancelled", &[("id", &id.to_string())]),
        Outcome::Rejected { id } => tr(locale, "toast.rejected", &[("id", &id.to_string())]),
        Outcome::Paid { id } => tr(locale, "toast.paid", &[("id", &id.to_string())]),
        Outcome::Assigned { id } => tr(locale, "toast.assigned", &[("id", &id.to_string())]),
        Outcome::MarkedRead => tr(locale, "toast.marked_read", &[]),
        Outcome::Replied {
            id,
            internal: false,
        } => tr(locale, "toast.replied", &[("id", &id.to_string())]),
        Outcome::Replied { id, internal: true } => {
            tr(locale, "toast.noted", &[("id", &id.to_string())])
        }
        Outcome::RoleChanged {
            email,
            role,
            grant,
            changed,
        } => {
            let key = match (grant, changed) {
                (true, true) => "toast.role_granted",
                (false, true) => "toast.role_revoked",
                _ => "toast.role_unchanged",
            };
            tr(locale, key, &[("email", email), ("role", role)])
        }
        Outcome::ArticleChanged { id } => {
            tr(locale, "toast.article_changed", &[("id", &id.to_string())])
        }
        Outcome::ProjectChanged { id } => {
            tr(locale, "toast.project_changed", &[("id", &id.to_string())])
        }
        Outcome::TicketChanged { id } => {
            tr(locale, "toast.ticket_changed", &[("id", &id.to_string())])
        }
        Outcome::SettingUpdated { key } => tr(locale, "toast.setting_updated", &[("key", key)]),
        Outcome::SessionsRevoked { count, .. } => tr(
            locale,
            "toast.sessions_revoked",
            &[("n", &count.to_string())],
        ),
        Outcome::Bulk {
            approved,
            first_of_two,
            skipped,
        } => {
            let n = approved.to_string();
            let mut text = plural(locale, "toast.bulk_approved", *approved, &[("n", &n)]);
            if *first_of_two > 0 {
                let m = first_of_two.to_string();
                text.push_str(&plural(
                    locale,
                    "toast.bulk_first",
                    *first_of_two,
                    &[("n", &m)],
                ));
            }
            if let Some((_, why)) = skipped.first() {
                let m = skipped.len().to_string();
                text.push_str(&plural(
                    locale,
                    "toast.bulk_skipped",
                    skipped.len(),
                    &[("n", &m), ("why", why)],
                ));
            }
            text
        }
    }
}
