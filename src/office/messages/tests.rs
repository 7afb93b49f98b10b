use chrono::TimeZone;

use super::*;
use crate::domain::Permission;
use crate::service::{FourEyes, Said};
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
    // Not today: the date is said too.
    assert_eq!(
        both(&e).0,
        "Already approved by Awa Diop on 2026-03-02 at 14:05."
    );
    assert_eq!(
        both(&e).1,
        "Déjà approuvée par Awa Diop le 02/03/2026 à 14:05."
    );
    let today = chrono::Utc::now();
    let e = ServiceError::AlreadyDecided {
        status: "cancelled".into(),
        by: "Awa Diop".into(),
        at: today,
    };
    let hm = today.format("%H:%M").to_string();
    assert_eq!(
        both(&e).0,
        format!("Already cancelled by Awa Diop at {hm}.")
    );

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
        message: Said::new("password_short"),
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
        ServiceError::AwaitingSecond {
            by: s("Awa Diop"),
            at,
            action: s("release"),
            amount: 5_000_000,
            currency: s("XOF"),
        },
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
        ("password", Said::new("password_short")),
        ("password", Said::new("password_long")),
        ("email", Said::new("not_an_email").arg("value", "x")),
        ("status", Said::new("assign_first")),
        ("escrow", Said::new("escrow_not_held")),
        ("estimated hours", Said::new("not_negative")),
        ("slug", Said::new("slug")),
        ("hours", Said::new("hours_range")),
        ("rating", Said::new("rating_range")),
        (
            "project",
            Said::new("review_not_completed").status("status", "project", "open"),
        ),
        ("reviewer", Said::new("reviewer")),
        ("assignee", Said::new("not_an_agent").arg("name", "Awa")),
        (
            "ticket",
            Said::new("not_closed").arg("reference", "TCK-2026-000033"),
        ),
        ("status", Said::new("approve_first")),
        ("setting", Said::new("rate_bps")),
        ("setting", Said::new("threshold_map")),
        ("setting", Said::new("threshold_amount")),
        ("setting", Said::new("not_json").arg("reason", "EOF")),
    ] {
        all.push(ServiceError::Invalid { field, message });
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
        DomainError::EscrowOverdrawn {
            asked: 500_000,
            remaining: 450_000,
            currency: s("XOF"),
        },
        DomainError::SplitUnclear,
        DomainError::SplitMismatch {
            developer: 300_000,
            client: 100_000,
            remaining: 450_000,
            currency: s("XOF"),
        },
        DomainError::CommissionInEscrow {
            escrow_id: 73,
            amount: 45_000,
            currency: s("XOF"),
        },
        DomainError::CommissionNeverReleased { escrow_id: 93 },
        DomainError::PayoutWithoutTransfers { payment_id: 255 },
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
            | ServiceError::AwaitingSecond { .. }
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
                | DomainError::CurrencyMismatch { .. }
                | DomainError::EscrowOverdrawn { .. }
                | DomainError::SplitUnclear
                | DomainError::SplitMismatch { .. }
                | DomainError::CommissionInEscrow { .. }
                | DomainError::CommissionNeverReleased { .. }
                | DomainError::PayoutWithoutTransfers { .. } => {}
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

/// Errors read as sentences: one project is singular, a field has its words.
#[test]
fn errors_are_sentences() {
    let e = ServiceError::MaxBelowActive {
        developer: "Moussa Traoré".into(),
        active: 1,
        asked: 0,
    };
    assert!(
        error_text(&e, Locale::En).starts_with("Moussa Traoré has 1 active project;"),
        "{}",
        error_text(&e, Locale::En)
    );
    let e = ServiceError::Invalid {
        field: "weekly capacity",
        message: Said::new("capacity_range"),
    };
    assert_eq!(
        error_text(&e, Locale::En),
        "The weekly capacity: must be 0 to 168 hours."
    );
    assert_eq!(
        error_text(&e, Locale::Fr),
        "La capacité hebdomadaire : doit valoir de 0 à 168 heures."
    );
}

/// Every message key the code names (`Said::new(key)`, `Said::full(key)` anywhere in `src/`)
/// has words in both languages: a new one cannot reach a screen as its key, or a French
/// screen in English.
#[test]
fn every_message_key_has_both_languages() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut files = vec![std::path::PathBuf::from(root)];
    let mut keys = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (open, make) in [
            ("Said::new(\"", Said::new as fn(&'static str) -> Said),
            ("Said::full(\"", Said::full),
        ] {
            for (i, _) in text.match_indices(open) {
                let rest = &text[i + open.len()..];
                let key = rest[..rest.find('"').unwrap()].to_owned();
                let said = make(Box::leak(key.into_boxed_str()));
                keys.push((path.display().to_string(), said));
            }
        }
    }
    assert!(keys.len() >= 40, "found {}", keys.len());
    for (file, said) in keys {
        let key = said.locale_key();
        for locale in [Locale::En, Locale::Fr] {
            let text = super::said_text(&said, locale);
            assert_ne!(text, key, "{file}: {key} has no {locale:?} words");
        }
        assert_ne!(
            super::said_text(&said, Locale::En),
            super::said_text(&said, Locale::Fr),
            "{file}: {key}"
        );
    }
}
