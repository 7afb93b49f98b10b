//! Errors a person can act on. Each carries its parameters; `code()` + `params()` let the edge
//! (TUI, CLI) render it in the staff member's language, `Display` is the English text.

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::domain::{DomainError, RoleRule};
use crate::store::StoreError;

/// Why the four-eyes rule refused an approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FourEyes {
    Requester,
    Client,
    Developer,
    SameApprover,
}

impl FourEyes {
    fn explain(self) -> &'static str {
        match self {
            FourEyes::Requester => "you requested this commission; another approver must decide",
            FourEyes::Client => "you are the project's client; another approver must decide",
            FourEyes::Developer => "you are the project's developer; another approver must decide",
            FourEyes::SameApprover => {
                "you gave the first approval; a second, different approver is needed"
            }
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            FourEyes::Requester => "requester",
            FourEyes::Client => "client",
            FourEyes::Developer => "developer",
            FourEyes::SameApprover => "same_approver",
        }
    }
}

fn hhmm(at: &DateTime<Utc>) -> String {
    at.format("%H:%M").to_string()
}

fn by_whom(by: &Option<String>) -> &str {
    by.as_deref().unwrap_or("the system")
}

fn role_rule(r: &RoleRule) -> String {
    match r {
        RoleRule::OwnRoles => "nobody changes their own roles or deletes their own account".into(),
        RoleRule::NotManager => "role administration needs the permission users.manage".into(),
        RoleRule::MoreThanHeld(missing) => format!(
            "nobody hands out more than they hold: the role carries {} which you do not have",
            missing
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        RoleRule::SuperAdminOnly => {
            "super-admin is granted and revoked by a super-admin only".into()
        }
        RoleRule::LastSuperAdmin => {
            "the platform keeps at least one super-admin: this is the last one".into()
        }
    }
}

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error("you do not have the permission {permission}")]
    Forbidden { permission: &'static str },
    #[error("no {what} {key}")]
    NotFound { what: &'static str, key: String },
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("already {status} by {by} at {}", hhmm(.at))]
    AlreadyDecided {
        status: String,
        by: String,
        at: DateTime<Utc>,
    },
    #[error("{what} was changed by someone else meanwhile; it has been reloaded, try again")]
    Stale { what: &'static str },
    #[error("four-eyes rule: {}", .0.explain())]
    FourEyes(FourEyes),
    #[error(
        "{developer} is at {planned}/{capacity} h in week {week}; adding {adding} h would exceed the capacity"
    )]
    OverCapacity {
        developer: String,
        week: u32,
        planned: i64,
        adding: i64,
        capacity: i64,
    },
    #[error(
        "{developer} has {planned} h planned in week {week}; the weekly capacity cannot go below that ({asked} h asked)"
    )]
    CapacityBelowPlanned {
        developer: String,
        week: u32,
        planned: i64,
        asked: i64,
    },
    #[error(
        "{developer} has {active} active projects; the maximum cannot go below that ({asked} asked)"
    )]
    MaxBelowActive {
        developer: String,
        active: i64,
        asked: i64,
    },
    #[error("{developer} already has {active}/{max} active projects")]
    TooManyProjects {
        developer: String,
        active: i64,
        max: i64,
    },
    #[error("{developer} is {availability} and cannot take a project")]
    Unavailable {
        developer: String,
        availability: String,
    },
    #[error("{name} has no developer profile")]
    NotADeveloper { name: String },
    #[error("the client cannot be the developer of their own project")]
    DeveloperIsClient,
    #[error("{what} is already assigned to {to}")]
    AlreadyAssigned { what: &'static str, to: String },
    #[error("{field} \"{value}\" is already taken")]
    Duplicate { field: &'static str, value: String },
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: super::Said,
    },
    #[error("the setting {name} is locked")]
    SettingLocked { name: String },
    #[error("role rule: {}", role_rule(.0))]
    RoleRule(RoleRule),
    #[error("your {role} role was removed at {} by {}", hhmm(.at), by_whom(.by))]
    RoleRemoved {
        role: String,
        at: DateTime<Utc>,
        by: Option<String>,
    },
    #[error("your login was ended at {} by {}; log in again", hhmm(.at), by_whom(.by))]
    SessionRevoked {
        at: DateTime<Utc>,
        by: Option<String>,
    },
    #[error("this account was deleted at {}", hhmm(.at))]
    AccountDeleted { at: DateTime<Utc> },
    #[error("too many failed logins; try again at {} (in {wait_seconds} s)", .until.format("%H:%M:%S"))]
    Throttled {
        until: DateTime<Utc>,
        wait_seconds: i64,
    },
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("{email} is not a staff account; the back-office is for platform staff")]
    NotStaff { email: String },
    #[error("the remembered login has expired or was revoked; log in again")]
    SessionExpired,
    #[error("the database already has data; seed an empty database")]
    AlreadySeeded,
    #[error(
        "{by} asked at {} to {action} {amount} (minor units of {currency}); a second finance member confirms that decision, or it is withdrawn, first",
        hhmm(.at)
    )]
    AwaitingSecond {
        by: String,
        at: DateTime<Utc>,
        action: String,
        amount: i64,
        currency: String,
    },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    /// A stable code for translation and scripting ("service.already_decided", ...).
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Forbidden { .. } => "service.forbidden",
            ServiceError::NotFound { .. } => "service.not_found",
            ServiceError::Domain(e) => e.code(),
            ServiceError::AlreadyDecided { .. } => "service.already_decided",
            ServiceError::Stale { .. } => "service.stale",
            ServiceError::FourEyes(_) => "service.four_eyes",
            ServiceError::OverCapacity { .. } => "service.over_capacity",
            ServiceError::TooManyProjects { .. } => "service.too_many_projects",
            ServiceError::CapacityBelowPlanned { .. } => "service.capacity_below_planned",
            ServiceError::MaxBelowActive { .. } => "service.max_below_active",
            ServiceError::Unavailable { .. } => "service.unavailable",
            ServiceError::NotADeveloper { .. } => "service.not_a_developer",
            ServiceError::DeveloperIsClient => "service.developer_is_client",
            ServiceError::AlreadyAssigned { .. } => "service.already_assigned",
            ServiceError::Duplicate { .. } => "service.duplicate",
            ServiceError::Invalid { .. } => "service.invalid",
            ServiceError::SettingLocked { .. } => "service.setting_locked",
            ServiceError::RoleRule(_) => "service.role_rule",
            ServiceError::RoleRemoved { .. } => "service.role_removed",
            ServiceError::SessionRevoked { .. } => "service.session_revoked",
            ServiceError::AccountDeleted { .. } => "service.account_deleted",
            ServiceError::Throttled { .. } => "service.throttled",
            ServiceError::InvalidCredentials => "service.invalid_credentials",
            ServiceError::NotStaff { .. } => "service.not_staff",
            ServiceError::SessionExpired => "service.session_expired",
            ServiceError::AlreadySeeded => "service.already_seeded",
            ServiceError::AwaitingSecond { .. } => "service.awaiting_second",
            ServiceError::Store(e) if e.is_connection_lost() => "service.connection_lost",
            ServiceError::Store(_) => "service.database",
            ServiceError::Internal(_) => "service.internal",
        }
    }

    /// True when a rule refused the request (CLI exit code 1); false for usage, connection
    /// or internal failures (exit code 2).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, ServiceError::Store(_) | ServiceError::Internal(_))
    }

    /// The actor can no longer act at all (session ended, account deleted): the TUI goes back
    /// to the login screen.
    pub fn ends_session(&self) -> bool {
        matches!(
            self,
            ServiceError::SessionRevoked { .. }
                | ServiceError::SessionExpired
                | ServiceError::AccountDeleted { .. }
                | ServiceError::NotStaff { .. }
        )
    }

    pub fn is_connection_lost(&self) -> bool {
        matches!(self, ServiceError::Store(e) if e.is_connection_lost())
    }
}
