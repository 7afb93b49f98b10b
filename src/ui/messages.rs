//! Errors and outcomes in the staff member's language, from the typed code and parameters.

use crate::domain::{DomainError, Locale};
use crate::service::ServiceError;
use crate::tr;

use super::data::Outcome;

/// The text for an error in the staff member's language, from its code and parameters. Only
/// unexpected database and internal failures fall back to the English `Display` text (they are
/// also what the log shows).
pub fn error_text(e: &ServiceError, locale: Locale) -> String {
    let text = match e {
        ServiceError::Domain(d) => domain_text(d, locale),
        ServiceError::Store(_) | ServiceError::Internal(_) => store_text(e, locale),
        _ => service_text(e, locale),
    };
    match text {
        Some(text) if !is_missing(&text) => text,
        _ => e.to_string(),
    }
}

/// A key rust-i18n could not find comes back as the key itself.
fn is_missing(text: &str) -> bool {
    text.starts_with("error.") || text.starts_with("field.") || text.contains("%{")
}

/// `error.<code without its "service." or "domain." prefix>`.
fn key_of(code: &str) -> String {
    let short = code.split_once('.').map_or(code, |(_, rest)| rest);
    format!("error.{short}")
}

/// Looks `key` up, or `None` when neither locale file has it.
fn lookup(locale: Locale, key: &str, args: &[(&str, &str)]) -> Option<String> {
    let text = tr(locale, key, args);
    (text != key).then_some(text)
}

/// "The reason" / "Le motif" for a field name; the name itself when it has no translation.
pub fn field_name(field: &str, locale: Locale) -> String {
    lookup(locale, &format!("field.{field}"), &[]).unwrap_or_else(|| field.to_owned())
}

fn hhmm(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.format("%H:%M").to_string()
}

/// Who did it, or "the system" when no staff member did.
fn who(by: &Option<String>, locale: Locale) -> String {
    by.clone()
        .unwrap_or_else(|| tr(locale, "error.system", &[]))
}

/// "45 s", "3 min": a wait as a person reads it.
fn wait(seconds: i64) -> String {
    if seconds < 90 {
        format!("{seconds} s")
    } else {
        format!("{} min", (seconds + 59) / 60)
    }
}

fn service_text(e: &ServiceError, locale: Locale) -> Option<String> {
    let key = key_of(e.code());
    let n = |v: &i64| v.to_string();
    let text = match e {
        ServiceError::Forbidden { permission } => {
            let what = lookup(locale, &format!("error.permission.{permission}"), &[]);
            match what {
                Some(what) => tr(
                    locale,
                    "error.forbidden_described",
                    &[("what", &what), ("permission", permission)],
                ),
                None => tr(locale, &key, &[("permission", permission)]),
            }
        }
        ServiceError::NotFound { what, key: id } => {
            lookup(locale, &format!("error.not_found.{what}"), &[("key", id)]).unwrap_or_else(
                || {
                    tr(
                        locale,
                        "error.not_found.other",
                        &[("what", what), ("key", id)],
                    )
                },
            )
        }
        ServiceError::Domain(d) => return domain_text(d, locale),
        ServiceError::AlreadyDecided { status, by, at } => {
            // Other decisions than a commission's (a hidden review) have words of their own.
            let own = format!("status.decision.{status}");
            let status = match tr(locale, &own, &[]) {
                t if t != own => t,
                _ => crate::ui::format::status("commission", status, locale),
            };
            tr(
                locale,
                &key,
                &[("status", &status), ("by", by), ("at", &hhmm(at))],
            )
        }
        ServiceError::Stale { .. }
        | ServiceError::DeveloperIsClient
        | ServiceError::InvalidCredentials
        | ServiceError::SessionExpired
        | ServiceError::AlreadySeeded => tr(locale, &key, &[]),
        ServiceError::FourEyes(w) => tr(locale, &format!("{key}.{}", w.code()), &[]),
        ServiceError::OverCapacity {
            developer,
            week,
            planned,
            adding,
            capacity,
        } => tr(
            locale,
            &key,
            &[
                ("developer", developer),
                ("week", &week.to_string()),
                ("planned", &n(planned)),
                ("adding", &n(adding)),
                ("capacity", &n(capacity)),
            ],
        ),
        ServiceError::CapacityBelowPlanned {
            developer,
            week,
            planned,
            asked,
        } => tr(
            locale,
            &key,
            &[
                ("developer", developer),
                ("week", &week.to_string()),
                ("planned", &n(planned)),
                ("asked", &n(asked)),
            ],
        ),
        ServiceError::MaxBelowActive {
            developer,
            active,
            asked,
        } => tr(
            locale,
            &key,
            &[
                ("developer", developer),
                ("active", &n(active)),
                ("asked", &n(asked)),
            ],
        ),
        ServiceError::TooManyProjects {
            developer,
            active,
            max,
        } => tr(
            locale,
            &key,
            &[
                ("developer", developer),
                ("active", &n(active)),
                ("max", &n(max)),
            ],
        ),
        ServiceError::Unavailable {
            developer,
            availability,
        } => {
            let availability = crate::ui::format::status("availability", availability, locale);
            tr(
                locale,
                &key,
                &[("developer", developer), ("availability", &availability)],
            )
        }
        ServiceError::NotADeveloper { name } => tr(locale, &key, &[("name", name)]),
        ServiceError::AlreadyAssigned { to, .. } => tr(locale, &key, &[("to", to)]),
        ServiceError::Duplicate { field, value } => tr(
            locale,
            &key,
            &[("field", &field_name(field, locale)), ("value", value)],
        ),
        ServiceError::Invalid { field, message } => tr(
            locale,
            &key,
            &[
                ("field", &field_name(field, locale)),
                ("message", &invalid_message(message, locale)),
            ],
        ),
        ServiceError::SettingLocked { name } => tr(locale, &key, &[("name", name)]),
        ServiceError::NotStaff { email } => tr(locale, &key, &[("email", email)]),
        ServiceError::RoleRule(rule) => {
            let missing = match rule {
                crate::domain::RoleRule::MoreThanHeld(m) => {
                    m.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
                }
                _ => String::new(),
            };
            tr(
                locale,
                &format!("error.role_rule.{}", rule.code()),
                &[("missing", &missing)],
            )
        }
        ServiceError::RoleRemoved { role, at, by } => tr(
            locale,
            &key,
            &[("role", role), ("at", &hhmm(at)), ("by", &who(by, locale))],
        ),
        ServiceError::SessionRevoked { at, by } => {
            tr(locale, &key, &[("at", &hhmm(at)), ("by", &who(by, locale))])
        }
        ServiceError::AccountDeleted { at } => tr(locale, &key, &[("at", &hhmm(at))]),
        ServiceError::Throttled {
            until,
            wait_seconds,
        } => tr(
            locale,
            &key,
            &[
                ("at", &until.format("%H:%M:%S").to_string()),
                ("wait", &wait(*wait_seconds)),
            ],
        ),
        ServiceError::Store(_) | ServiceError::Internal(_) => return store_text(e, locale),
    };
    Some(text)
}

/// The database failures a person can act on; `None` for the unexpected ones.
fn store_text(e: &ServiceError, locale: Locale) -> Option<String> {
    use crate::store::StoreError;
    match e {
        ServiceError::Store(StoreError::Connect { target, reason }) => Some(tr(
            locale,
            "error.cannot_connect",
            &[("target", target), ("reason", reason)],
        )),
        e if e.is_connection_lost() => Some(tr(locale, "error.connection_lost", &[])),
        ServiceError::Store(StoreError::NotMigrated) => Some(tr(locale, "error.not_migrated", &[])),
        _ => None,
    }
}

fn domain_text(e: &DomainError, locale: Locale) -> Option<String> {
    let key = match e {
        DomainError::TooManyDecimals { max: 0, .. } => "error.too_many_decimals.whole".to_owned(),
        DomainError::TooManyDecimals { max, .. } => {
            let one = match locale {
                Locale::Fr => *max <= 1,
                Locale::En => *max == 1,
            };
            format!(
                "error.too_many_decimals.{}",
                if one { "one" } else { "other" }
            )
        }
        _ => key_of(e.code()),
    };
    let state_kind = match e {
        DomainError::IllegalTransition { kind, .. } => *kind,
        _ => "",
    };
    let mut params: Vec<(&str, String)> = Vec::new();
    for (name, value) in e.params() {
        let value = match (name, e) {
            ("field", _) => field_name(&value, locale),
            ("kind", DomainError::UnknownStatus { .. }) => {
                lookup(locale, &format!("error.kind.{value}"), &[])?
            }
            ("kind", _) => lookup(locale, &format!("error.noun.{value}"), &[])?,
            ("from" | "to", _) => state_name(state_kind, &value, locale),
            ("max_bytes", _) => {
                params.push(("max", value.clone()));
                value
            }
            _ => value,
        };
        params.push((name, value));
    }
    let args: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Some(tr(locale, &key, &args))
}

/// A state's name: the screens' status words, or the escrow's own (no screen lists them).
fn state_name(kind: &str, value: &str, locale: Locale) -> String {
    if kind == "escrow"
        && let Some(text) = lookup(locale, &format!("error.escrow_status.{value}"), &[])
    {
        return text;
    }
    crate::ui::format::status(kind, value, locale)
}

/// The service's free-text reason for an `Invalid` value, in the staff member's language when
/// it is one of the known ones; otherwise as the service wrote it.
fn invalid_message(message: &str, locale: Locale) -> String {
    let known = |key: &str, args: &[(&str, &str)]| {
        lookup(locale, &format!("error.invalid_message.{key}"), args)
    };
    let text = match message {
        "use at least 4 characters" => known("password_short", &[]),
        "bcrypt uses at most 72 bytes; use a shorter password" => known("password_long", &[]),
        "assign a developer to move a project to assigned" => known("assign_first", &[]),
        "the client's funds must be held in escrow before work starts" => {
            known("escrow_not_held", &[])
        }
        "must be zero or more" => known("not_negative", &[]),
        "give a slug in latin letters or digits" => known("slug", &[]),
        "planned hours are 0 to 168 a week" => known("hours_range", &[]),
        "a rating is 1 to 5" => known("rating_range", &[]),
        "only the project's client or developer can review the other" => known("reviewer", &[]),
        "approve the commission before paying it" => known("approve_first", &[]),
        "the rate is a whole number of basis points from 0 to 10000 (1500 = 15 %)" => {
            known("rate_bps", &[])
        }
        "the threshold is a map of currency to amount in minor units" => {
            known("threshold_map", &[])
        }
        "each threshold is a non-negative whole amount in minor units" => {
            known("threshold_amount", &[])
        }
        m => {
            if let Some(status) =
                m.strip_prefix("reviews are only for completed projects; this one is ")
            {
                let status = crate::ui::format::status("project", status, locale);
                known("review_not_completed", &[("status", &status)])
            } else if let Some(name) = m.strip_suffix(" does not answer tickets") {
                known("not_an_agent", &[("name", name)])
            } else if let Some(value) = m.strip_suffix(" is not an email address") {
                known("not_an_email", &[("value", value.trim_matches('"'))])
            } else if let Some(reason) = m.strip_prefix("not valid JSON: ") {
                known("not_json", &[("reason", reason)])
            } else {
                None
            }
        }
    };
    text.unwrap_or_else(|| message.to_owned())
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
                ("to", &crate::ui::format::status("availability", to, locale)),
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::Permission;
    use crate::service::FourEyes;
    use crate::store::StoreError;

    fn both(e: &ServiceError) -> (String, String) {
        (error_text(e, Locale::En), error_text(e, Locale::Fr))
    }

    #[test]
    fn errors_read_in_both_languages() {
        let e = ServiceError::FourEyes(FourEyes::Requester);
        let (en, fr) = both(&e);
        assert!(en.starts_with("Four-eyes rule: you requested"), "{en}");
        assert!(
            fr.starts_with("Règle des quatre yeux : vous avez demandé"),
            "{fr}"
        );

        let e = ServiceError::AlreadyDecided {
            status: "approved".into(),
            by: "Awa Diop".into(),
            at: chrono::Utc.with_ymd_and_hms(2026, 3, 2, 14, 5, 0).unwrap(),
        };
        assert_eq!(both(&e).0, "Already approved by Awa Diop at 14:05.");
        assert_eq!(both(&e).1, "Déjà approuvée par Awa Diop à 14:05.");

        let e = ServiceError::Domain(DomainError::EmptyText { field: "reason" });
        assert_eq!(both(&e).0, "The reason must not be empty.");
        assert_eq!(both(&e).1, "Le motif ne doit pas être vide.");

        let e = ServiceError::Domain(DomainError::IllegalTransition {
            kind: "project",
            from: "draft".into(),
            to: "completed".into(),
        });
        assert_eq!(
            both(&e).0,
            "Cannot move this project from draft to completed."
        );
        assert_eq!(
            both(&e).1,
            "Impossible de passer ce projet de « brouillon » à « terminé »."
        );

        let e = ServiceError::NotFound {
            what: "commission",
            key: "12".into(),
        };
        assert_eq!(both(&e).0, "Commission #12 not found.");
        assert_eq!(both(&e).1, "Commission n°12 introuvable.");

        let e = ServiceError::Forbidden {
            permission: "commissions.approve",
        };
        assert_eq!(
            both(&e).1,
            "Permission manquante : approuver les commissions (commissions.approve)."
        );

        let e = ServiceError::Invalid {
            field: "password",
            message: "use at least 4 characters".into(),
        };
        assert_eq!(both(&e).0, "The password: use at least 4 characters.");
        assert_eq!(
            both(&e).1,
            "Le mot de passe : utilisez au moins 4 caractères."
        );

        let e = ServiceError::Domain(DomainError::TooManyDecimals {
            currency: "EUR".into(),
            max: 2,
        });
        assert_eq!(both(&e).1, "Les montants en EUR ont au plus 2 décimales.");
        let e = ServiceError::Domain(DomainError::TooManyDecimals {
            currency: "XOF".into(),
            max: 0,
        });
        assert_eq!(
            both(&e).1,
            "Les montants en XOF sont entiers ; retirez les décimales."
        );

        // Unexpected failures keep the English text (it is also the log's).
        let e = ServiceError::Internal("boom".into());
        assert_eq!(
            both(&e),
            ("internal error: boom".into(), "internal error: boom".into())
        );
    }

    /// One instance of every variant; the exhaustive match below stops compiling when a
    /// variant is added, so it cannot be forgotten here.
    fn every_error() -> Vec<ServiceError> {
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 2, 14, 5, 0).unwrap();
        let s = |v: &str| v.to_owned();
        let mut all = vec![
            ServiceError::NotFound {
                what: "project",
                key: s("1"),
            },
            ServiceError::AlreadyDecided {
                status: s("rejected"),
                by: s("Awa"),
                at,
            },
            ServiceError::OverCapacity {
                developer: s("Kofi"),
                week: 12,
                planned: 30,
                adding: 20,
                capacity: 40,
            },
            ServiceError::TooManyProjects {
                developer: s("Kofi"),
                active: 3,
                max: 3,
            },
            ServiceError::CapacityBelowPlanned {
                developer: s("Kofi"),
                week: 12,
                planned: 30,
                asked: 20,
            },
            ServiceError::MaxBelowActive {
                developer: s("Kofi"),
                active: 3,
                asked: 2,
            },
            ServiceError::Unavailable {
                developer: s("Kofi"),
                availability: s("busy"),
            },
            ServiceError::NotADeveloper { name: s("Awa") },
            ServiceError::DeveloperIsClient,
            ServiceError::AlreadyAssigned {
                what: "ticket",
                to: s("Awa"),
            },
            ServiceError::SettingLocked {
                name: s("commission.default_rate_bps"),
            },
            ServiceError::InvalidCredentials,
            ServiceError::NotStaff {
                email: s("client@obryl.test"),
            },
            ServiceError::SessionExpired,
            ServiceError::RoleRule(crate::domain::RoleRule::OwnRoles),
            ServiceError::RoleRule(crate::domain::RoleRule::NotManager),
            ServiceError::RoleRule(crate::domain::RoleRule::SuperAdminOnly),
            ServiceError::RoleRule(crate::domain::RoleRule::LastSuperAdmin),
            ServiceError::RoleRule(crate::domain::RoleRule::MoreThanHeld(vec![
                crate::domain::Permission::TicketsAssign,
            ])),
            ServiceError::RoleRemoved {
                role: s("finance"),
                at,
                by: Some(s("Aminata Ndiaye")),
            },
            ServiceError::SessionRevoked { at, by: None },
            ServiceError::AccountDeleted { at },
            ServiceError::Throttled {
                until: at,
                wait_seconds: 120,
            },
            ServiceError::AlreadySeeded,
            ServiceError::Stale { what: "project" },
            ServiceError::Store(StoreError::NotMigrated),
            ServiceError::Store(StoreError::Connect {
                target: s("sqlite://x.db"),
                reason: s("denied"),
            }),
        ];
        for p in Permission::ALL {
            all.push(ServiceError::Forbidden {
                permission: p.as_str(),
            });
        }
        for what in [
            "project",
            "commission",
            "ticket",
            "developer",
            "article",
            "review",
            "user",
            "client",
            "setting",
            "webhook",
        ] {
            all.push(ServiceError::NotFound { what, key: s("7") });
        }
        for w in [
            FourEyes::Requester,
            FourEyes::Client,
            FourEyes::Developer,
            FourEyes::SameApprover,
        ] {
            all.push(ServiceError::FourEyes(w));
        }
        let fields = [
            "reason",
            "payment reference",
            "title",
            "note",
            "reply",
            "resolution",
            "excerpt",
            "body",
            "comment",
            "description",
            "hours",
            "status",
            "escrow",
            "assignee",
            "rating",
            "reviewer",
            "project",
            "setting",
            "email",
            "password",
            "name",
            "slug",
            "estimated hours",
            "review by this person on this project",
        ];
        for field in fields {
            all.push(ServiceError::Duplicate {
                field,
                value: s("x"),
            });
            all.push(ServiceError::Domain(DomainError::EmptyText { field }));
            all.push(ServiceError::Domain(DomainError::TextTooLong {
                field,
                max_bytes: 10,
                actual: 11,
            }));
        }
        for (field, message) in [
            ("password", "use at least 4 characters"),
            (
                "password",
                "bcrypt uses at most 72 bytes; use a shorter password",
            ),
            ("email", "\"x\" is not an email address"),
            ("status", "assign a developer to move a project to assigned"),
            (
                "escrow",
                "the client's funds must be held in escrow before work starts",
            ),
            ("estimated hours", "must be zero or more"),
            ("slug", "give a slug in latin letters or digits"),
            ("hours", "planned hours are 0 to 168 a week"),
            ("rating", "a rating is 1 to 5"),
            (
                "project",
                "reviews are only for completed projects; this one is open",
            ),
            (
                "reviewer",
                "only the project's client or developer can review the other",
            ),
            ("assignee", "Awa does not answer tickets"),
            ("status", "approve the commission before paying it"),
            (
                "setting",
                "the rate is a whole number of basis points from 0 to 10000 (1500 = 15 %)",
            ),
            (
                "setting",
                "the threshold is a map of currency to amount in minor units",
            ),
            (
                "setting",
                "each threshold is a non-negative whole amount in minor units",
            ),
            ("setting", "not valid JSON: EOF"),
        ] {
            all.push(ServiceError::Invalid {
                field,
                message: s(message),
            });
        }
        let kinds = [
            "project status",
            "commission status",
            "ticket status",
            "escrow status",
            "article status",
            "ticket priority",
            "ticket category",
            "availability",
            "profile type",
            "payout method",
            "permission",
            "role",
        ];
        for kind in kinds {
            all.push(
                DomainError::UnknownStatus {
                    kind,
                    value: s("x"),
                }
                .into(),
            );
        }
        for (kind, from, to) in [
            ("project", "draft", "completed"),
            ("commission", "paid", "pending"),
            ("ticket", "closed", "on_hold"),
            ("escrow", "awaiting_funds", "partially_released"),
            ("article", "archived", "published"),
        ] {
            all.push(
                DomainError::IllegalTransition {
                    kind,
                    from: s(from),
                    to: s(to),
                }
                .into(),
            );
        }
        for d in [
            DomainError::NegativeAmount { input: s("-5") },
            DomainError::AmountOverflow,
            DomainError::InvalidAmount { input: s("abc") },
            DomainError::TooManyDecimals {
                currency: s("XOF"),
                max: 0,
            },
            DomainError::TooManyDecimals {
                currency: s("GHS"),
                max: 1,
            },
            DomainError::TooManyDecimals {
                currency: s("EUR"),
                max: 2,
            },
            DomainError::UnknownCurrency { code: s("ABC") },
            DomainError::InvalidRate { bps: 10_001 },
            DomainError::NegativeSplit { developer_net: -5 },
            DomainError::CurrencyMismatch {
                expected: s("XOF"),
                found: s("EUR"),
            },
        ] {
            all.push(d.into());
        }
        for e in &all {
            match e {
                ServiceError::Forbidden { .. }
                | ServiceError::NotFound { .. }
                | ServiceError::AlreadyDecided { .. }
                | ServiceError::Stale { .. }
                | ServiceError::FourEyes(_)
                | ServiceError::OverCapacity { .. }
                | ServiceError::TooManyProjects { .. }
                | ServiceError::CapacityBelowPlanned { .. }
                | ServiceError::MaxBelowActive { .. }
                | ServiceError::Unavailable { .. }
                | ServiceError::NotADeveloper { .. }
                | ServiceError::DeveloperIsClient
                | ServiceError::AlreadyAssigned { .. }
                | ServiceError::Duplicate { .. }
                | ServiceError::Invalid { .. }
                | ServiceError::SettingLocked { .. }
                | ServiceError::InvalidCredentials
                | ServiceError::NotStaff { .. }
                | ServiceError::SessionExpired
                | ServiceError::RoleRule(_)
                | ServiceError::RoleRemoved { .. }
                | ServiceError::SessionRevoked { .. }
                | ServiceError::AccountDeleted { .. }
                | ServiceError::Throttled { .. }
                | ServiceError::AlreadySeeded
                | ServiceError::Store(_)
                | ServiceError::Internal(_) => {}
                ServiceError::Domain(d) => match d {
                    DomainError::NegativeAmount { .. }
                    | DomainError::AmountOverflow
                    | DomainError::InvalidAmount { .. }
                    | DomainError::TooManyDecimals { .. }
                    | DomainError::UnknownCurrency { .. }
                    | DomainError::UnknownStatus { .. }
                    | DomainError::IllegalTransition { .. }
                    | DomainError::EmptyText { .. }
                    | DomainError::TextTooLong { .. }
                    | DomainError::InvalidRate { .. }
                    | DomainError::NegativeSplit { .. }
                    | DomainError::CurrencyMismatch { .. } => {}
                },
            }
        }
        all
    }

    #[test]
    fn every_error_has_a_text_in_both_languages() {
        for e in every_error() {
            let (en, fr) = both(&e);
            for text in [&en, &fr] {
                assert!(
                    !text.starts_with("error.") && !text.starts_with("field."),
                    "missing key for {e:?}: {text}"
                );
                assert!(
                    !text.contains("error.") && !text.contains("field.") && !text.contains("%{"),
                    "missing key or placeholder for {e:?}: {text}"
                );
            }
            assert_ne!(en, fr, "not translated: {e:?}");
        }
    }
}
