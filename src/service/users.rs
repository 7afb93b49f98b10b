//! Managing staff accounts: create, grant or revoke a role, change a password, delete. With an
//! actor these follow the role-administration rules (`domain::access`); without one they are
//! the operator's bootstrap path (the first super-admin of an empty database), audited with the
//! operating-system user. The last super-admin stays on every path.

use std::collections::BTreeSet;

use serde_json::Value as JsonValue;

use chrono::{Datelike, Duration};

use crate::domain::access::{RoleChange, check_delete, check_role_change};
use crate::domain::{Availability, Permission, Role, RoleRule, UseCase, require_text};
use crate::store::{self, Conn, Db, Tx};

use super::access;
use super::record::{Change, Diff, Notice, record_and_commit};
use super::{Actor, Origin, Result, ServiceError, auth};

/// Opens the transaction of a staff-account change: as `by` (re-read, allowed `use_case`), or
/// as the operator when `by` is None.
async fn begin_as(db: &Db, by: Option<&Actor>, use_case: UseCase) -> Result<(Tx, Option<Actor>)> {
    let mut tx = db.begin().await?;
    // Decisions on super-admin holders take turns (the last one stays).
    let super_admin = role_id(&mut tx, Role::SuperAdmin).await?;
    store::access::lock_role(&mut tx, super_admin).await?;
    let fresh = match by {
        Some(actor) => Some(access::check(&mut tx, actor, use_case).await?),
        None => None,
    };
    Ok((tx, fresh))
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < 4 {
        return Err(ServiceError::Invalid {
            field: "password",
            message: crate::service::Said::new("password_short"),
        });
    }
    if password.len() > 72 {
        return Err(ServiceError::Invalid {
            field: "password",
            message: crate::service::Said::new("password_long"),
        });
    }
    Ok(())
}

async fn hash(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
}

pub async fn create(
    db: &Db,
    by: Option<&Actor>,
    origin: &Origin,
    name: &str,
    email: &str,
    password: &str,
) -> Result<i64> {
    let name = require_text("name", name, 255)?;
    let email = require_text("email", email, 255)?.to_lowercase();
    if !email.contains('@') {
        return Err(ServiceError::Invalid {
            field: "email",
            message: crate::service::Said::new("not_an_email").arg("value", email),
        });
    }
    check_password(password)?;
    let hash = hash(password).await?;
    let (mut tx, by) = begin_as(db, by, UseCase::UserCreate).await?;
    let now = super::now();
    let id = store::users::insert(
        &mut tx,
        &store::users::NewUser {
            name: &name,
            email: &email,
            password_hash: &hash,
            phone: None,
            locale: "fr",
            now,
        },
    )
    .await
    .map_err(|e| match e.unique_violation() {
        Some(_) => ServiceError::Duplicate {
            field: "email",
            value: email.clone(),
        },
        None => e.into(),
    })?;
    record_and_commit(
        tx,
        by.as_ref(),
        origin,
        Change {
            event: "created",
            subject_type: "user",
            subject_id: id,
            diff: Diff::new()
                .field("name", JsonValue::Null, name.as_str())
                .field("email", JsonValue::Null, email.as_str()),
            notices: Vec::new(),
            webhook: Some("user.created"),
        },
    )
    .await?;
    Ok(id)
}

async fn user_id(c: &mut impl Conn, email: &str) -> Result<i64> {
    store::users::find_by_email(c, email)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .map(|u| u.id)
        .ok_or(ServiceError::NotFound {
            what: "user",
            key: email.to_owned(),
        })
}

async fn role_id(c: &mut impl Conn, role: Role) -> Result<i64> {
    store::users::role_id(c, role.as_str())
        .await?
        .ok_or_else(|| {
            ServiceError::Internal(format!(
                "role {} is not seeded; run `obryl migrate`",
                role.as_str()
            ))
        })
}

/// The permissions a role carries, as the database holds them.
pub async fn role_permissions(c: &mut impl Conn, role: Role) -> Result<Vec<Permission>> {
    let id = role_id(c, role).await?;
    Ok(store::access::role_permissions(c, id)
        .await?
        .iter()
        .filter_map(|p| Permission::parse(p).ok())
        .collect())
}

/// The other holders of super-admin (accounts not deleted) when `target` holds it.
async fn other_super_admins(c: &mut impl Conn, target: i64) -> Result<Option<usize>> {
    let id = role_id(c, Role::SuperAdmin).await?;
    let holders = store::access::role_holders(c, id).await?;
    Ok(holders
        .contains(&target)
        .then(|| holders.len().saturating_sub(1)))
}

/// Grants (or with `grant` false, revokes) a role. Returns false when nothing changed.
pub async fn set_role(
    db: &Db,
    by: Option<&Actor>,
    origin: &Origin,
    email: &str,
    role: Role,
    grant: bool,
) -> Result<bool> {
    let (mut tx, by) = begin_as(db, by, UseCase::UserRole).await?;
    let uid = user_id(&mut tx, email).await?;
    let others = if grant {
        None
    } else {
        other_super_admins(&mut tx, uid).await?
    };
    let role_permissions = role_permissions(&mut tx, role).await?;
    match &by {
        Some(actor) => check_role_change(&RoleChange {
            actor_id: actor.id,
            actor_roles: &actor.roles,
            actor_permissions: &actor.permissions,
            target_id: uid,
            role,
            role_permissions: &role_permissions,
            grant,
            other_super_admins: if role == Role::SuperAdmin {
                others
            } else {
                None
            },
        })
        .map_err(ServiceError::RoleRule)?,
        None if !grant && role == Role::SuperAdmin && others == Some(0) => {
            return Err(ServiceError::RoleRule(RoleRule::LastSuperAdmin));
        }
        None => {}
    }
    let role_id = role_id(&mut tx, role).await?;
    let changed = if grant {
        store::users::grant_role(&mut tx, uid, role_id).await?
    } else {
        store::users::revoke_role(&mut tx, uid, role_id).await?
    };
    if !changed {
        return Ok(false);
    }
    let (old, new) = if grant {
        (JsonValue::Null, role.as_str().into())
    } else {
        (role.as_str().into(), JsonValue::Null)
    };
    record_and_commit(
        tx,
        by.as_ref(),
        origin,
        Change {
            event: if grant {
                "role_granted"
            } else {
                "role_revoked"
            },
            subject_type: "user",
            subject_id: uid,
            diff: Diff::new().field("role", old, new),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(true)
}

/// Someone else's password needs `users.manage` and every permission they hold (taking over
/// an account must not hand out more than one holds); one's own needs nothing more.
async fn check_password_change(c: &mut impl Conn, actor: &Actor, target: i64) -> Result<()> {
    if actor.id == target {
        return Ok(());
    }
    actor.require(Permission::UsersManage)?;
    let theirs: BTreeSet<Permission> = store::users::permissions_of(c, target)
        .await?
        .iter()
        .filter_map(|p| Permission::parse(p).ok())
        .collect();
    let missing: Vec<Permission> = theirs.difference(&actor.permissions).copied().collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::RoleRule(RoleRule::MoreThanHeld(missing)))
    }
}

pub async fn set_password(
    db: &Db,
    by: Option<&Actor>,
    origin: &Origin,
    email: &str,
    password: &str,
) -> Result<()> {
    check_password(password)?;
    let uid = user_id(&mut db.clone(), email).await?;
    let hash = hash(password).await?;
    let use_case = if by.is_some_and(|a| a.id == uid) {
        UseCase::PasswordOwn
    } else {
        UseCase::UserPassword
    };
    let (mut tx, by) = begin_as(db, by, use_case).await?;
    if let Some(actor) = &by {
        check_password_change(&mut tx, actor, uid).await?;
    }
    store::users::set_password(&mut tx, uid, &hash, super::now()).await?;
    record_and_commit(
        tx,
        by.as_ref(),
        origin,
        Change {
            event: "password_changed",
            subject_type: "user",
            subject_id: uid,
            // Never the hash itself: only that it changed.
            diff: Diff::new().field("password", "********", "******** (changed)"),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(())
}

/// Deletes an account (soft: the row stays for the history) and ends its sessions. Never
/// one's own, never the last super-admin, and only someone holding every permission the
/// account holds.
pub async fn delete(db: &Db, by: Option<&Actor>, origin: &Origin, email: &str) -> Result<()> {
    let (mut tx, by) = begin_as(db, by, UseCase::UserDelete).await?;
    let uid = user_id(&mut tx, email).await?;
    let others = other_super_admins(&mut tx, uid).await?;
    match &by {
        Some(actor) => {
            check_delete(
                actor.id,
                &actor.permissions,
                uid,
                others.is_some(),
                others.unwrap_or(0),
            )
            .map_err(ServiceError::RoleRule)?;
            check_password_change(&mut tx, actor, uid).await?;
        }
        None if others == Some(0) => {
            return Err(ServiceError::RoleRule(RoleRule::LastSuperAdmin));
        }
        None => {}
    }
    let now = super::now();
    store::access::soft_delete_user(&mut tx, uid, now).await?;
    let ended =
        store::access::revoke_sessions_of(&mut tx, uid, by.as_ref().map(|a| a.id), now).await?;
    record_and_commit(
        tx,
        by.as_ref(),
        origin,
        Change {
            event: "deleted",
            subject_type: "user",
            subject_id: uid,
            diff: Diff::new()
                .field("deleted_at", JsonValue::Null, now.to_rfc3339())
                .field("sessions_ended", JsonValue::Null, ended),
            notices: Vec::new(),
            webhook: Some("user.deleted"),
        },
    )
    .await?;
    Ok(())
}

/// Marks a developer available, busy or unavailable (an unavailable developer is never
/// assigned). `seen` is the availability the staff member saw; returns false when it already
/// was `to`.
pub async fn set_availability(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    user_id: i64,
    to: Availability,
    seen: Option<&str>,
) -> Result<bool> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::DeveloperAvailability).await?;
    let actor = &actor;
    store::workload::lock_developer(&mut tx, user_id).await?;
    let user = store::users::find(&mut tx, user_id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "user",
            key: user_id.to_string(),
        })?;
    let profile = store::users::developer_profile(&mut tx, user_id)
        .await?
        .ok_or_else(|| ServiceError::NotADeveloper {
            name: user.name.clone(),
        })?;
    let from = profile.availability;
    if seen.is_some_and(|s| s != from) {
        return Err(ServiceError::Stale { what: "profile" });
    }
    if from == to.as_str() {
        return Ok(false);
    }
    let now = super::now();
    if !store::people::set_availability(&mut tx, user_id, &from, to.as_str(), now).await? {
        return Err(ServiceError::Stale { what: "profile" });
    }
    let notice = Notice {
        user_id,
        class: "App\\Notifications\\AvailabilityChanged",
        kind: "profile.availability_changed",
        params: serde_json::json!({ "from": from, "to": to.as_str() }),
    };
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "updated",
            subject_type: "user",
            subject_id: user_id,
            diff: Diff::new().field("availability", from.as_str(), to.as_str()),
            notices: vec![notice],
            webhook: Some("user.updated"),
        },
    )
    .await?;
    Ok(true)
}

/// Sets a developer's weekly capacity and maximum of active projects. Neither may go below
/// what is already committed: the hours planned in any week from this one on, the projects
/// under way. `max_projects` None keeps the current maximum. Returns false when both were
/// already so.
pub async fn set_capacity(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    user_id: i64,
    weekly_hours: i64,
    max_projects: Option<i64>,
) -> Result<bool> {
    if !(0..=168).contains(&weekly_hours) {
        return Err(ServiceError::Invalid {
            field: "weekly capacity",
            message: crate::service::Said::new("capacity_range"),
        });
    }
    if max_projects.is_some_and(|m| !(0..=50).contains(&m)) {
        return Err(ServiceError::Invalid {
            field: "maximum of active projects",
            message: crate::service::Said::new("max_projects_range"),
        });
    }
    let (mut tx, actor) = access::begin(db, actor, UseCase::DeveloperCapacity).await?;
    let actor = &actor;
    store::workload::lock_developer(&mut tx, user_id).await?;
    let dev = match store::workload::developer(&mut tx, user_id).await? {
        Some(dev) => dev,
        None => {
            let name = store::users::find(&mut tx, user_id)
                .await?
                .ok_or(ServiceError::NotFound {
                    what: "user",
                    key: user_id.to_string(),
                })?
                .name;
            return Err(ServiceError::NotADeveloper { name });
        }
    };
    let max_projects = max_projects.unwrap_or(dev.max_active_projects);
    if dev.weekly_capacity_hours == weekly_hours && dev.max_active_projects == max_projects {
        return Ok(false);
    }
    let from = super::projects::week_start(super::now().date_naive());
    let planned =
        store::workload::planned(&mut tx, &[user_id], from, from + Duration::weeks(520)).await?;
    if let Some((_, week, hours)) = planned
        .iter()
        .filter(|(_, _, h)| *h > weekly_hours)
        .max_by_key(|(_, w, h)| (*h, std::cmp::Reverse(*w)))
    {
        return Err(ServiceError::CapacityBelowPlanned {
            developer: dev.name,
            week: week.iso_week().week(),
            planned: *hours,
            asked: weekly_hours,
        });
    }
    if dev.active_projects > max_projects {
        return Err(ServiceError::MaxBelowActive {
            developer: dev.name,
            active: dev.active_projects,
            asked: max_projects,
        });
    }
    let now = super::now();
    store::people::set_capacity(&mut tx, user_id, weekly_hours, max_projects, now).await?;
    let notice = Notice {
        user_id,
        class: "App\\Notifications\\CapacityChanged",
        kind: "profile.capacity_changed",
        params: serde_json::json!({
            "from": dev.weekly_capacity_hours,
            "to": weekly_hours,
            "max_active_projects": max_projects,
        }),
    };
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "updated",
            subject_type: "user",
            subject_id: user_id,
            diff: Diff::new()
                .field(
                    "weekly_capacity_hours",
                    dev.weekly_capacity_hours,
                    weekly_hours,
                )
                .field("max_active_projects", dev.max_active_projects, max_projects),
            notices: vec![notice],
            webhook: Some("user.updated"),
        },
    )
    .await?;
    Ok(true)
}
