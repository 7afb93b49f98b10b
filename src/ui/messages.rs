//! Errors and outcomes in the staff member's language, from the typed code and parameters.

use crate::domain::{DomainError, Locale};
use crate::service::ServiceError;
use crate::tr;

use super::data::Outcome;

/// The text for an error: translated when the locale has its code, else the English text.
pub fn error_text(e: &ServiceError, locale: Locale) -> String {
    let time = |at: &chrono::DateTime<chrono::Utc>| at.format("%H:%M").to_string();
    let text = match e {
        ServiceError::AlreadyDecided { status, by, at } => {
            let status = crate::ui::format::status("commission", status, locale);
            tr(
                locale,
                "error.already_decided",
                &[("status", &status), ("by", by), ("at", &time(at))],
            )
        }
        ServiceError::AlreadyAssigned { to, .. } => {
            tr(locale, "error.already_assigned", &[("to", to)])
        }
        ServiceError::Stale { .. } => tr(locale, "error.stale", &[]),
        ServiceError::FourEyes(w) => tr(locale, &format!("error.four_eyes.{}", w.code()), &[]),
        ServiceError::Forbidden { permission } => {
            tr(locale, "error.forbidden", &[("permission", permission)])
        }
        ServiceError::InvalidCredentials => tr(locale, "error.invalid_credentials", &[]),
        ServiceError::NotStaff { email } => tr(locale, "error.not_staff", &[("email", email)]),
        ServiceError::Domain(DomainError::EmptyText { field }) => tr(
            locale,
            "error.empty_text",
            &[("field", &tr(locale, &format!("field.{field}"), &[]))],
        ),
        ServiceError::Domain(DomainError::TextTooLong {
            max_bytes, actual, ..
        }) => tr(
            locale,
            "error.text_too_long",
            &[
                ("actual", &actual.to_string()),
                ("max", &max_bytes.to_string()),
            ],
        ),
        ServiceError::OverCapacity {
            developer,
            week,
            planned,
            adding,
            capacity,
        } => tr(
            locale,
            "error.over_capacity",
            &[
                ("developer", developer),
                ("week", &week.to_string()),
                ("planned", &planned.to_string()),
                ("adding", &adding.to_string()),
                ("capacity", &capacity.to_string()),
            ],
        ),
        e if e.is_connection_lost() => tr(locale, "error.connection_lost", &[]),
        _ => return e.to_string(),
    };
    if text.starts_with("error.") || text.starts_with("field.") {
        e.to_string()
    } else {
        text
    }
}

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
        Outcome::ArticleChanged { id } => tr(locale, "toast.article_changed", &[("id", &id.to_string())]),
        Outcome::ProjectChanged { id } => {
            tr(locale, "toast.project_changed", &[("id", &id.to_string())])
        }
        Outcome::TicketChanged { id } => {
            tr(locale, "toast.ticket_changed", &[("id", &id.to_string())])
        }
        Outcome::SettingUpdated { key } => tr(locale, "toast.setting_updated", &[("key", key)]),
        Outcome::Bulk { approved, skipped } => {
            let n = approved.to_string();
            let mut text = plural(locale, "toast.bulk_approved", *approved, &[("n", &n)]);
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

/// Picks `key.one` or `key.other` by the language's plural rule (French: 0 and 1 are singular).
pub fn plural(locale: Locale, key: &str, n: usize, args: &[(&str, &str)]) -> String {
    let one = match locale {
        Locale::Fr => n <= 1,
        Locale::En => n == 1,
    };
    tr(
        locale,
        &format!("{key}.{}", if one { "one" } else { "other" }),
        args,
    )
}
