//! Managing staff accounts: create, grant or revoke a role, change a password. From the CLI
//! these run as the system (no actor) for bootstrapping; from the TUI they need `users.manage`.

use serde_json::Value as JsonValue;

use chrono::{Datelike, Duration};

use crate::domain::{Availability, Permission, Role, require_text};
use crate::store::{self, Db};

use super::record::{Change, Diff, Notice, record};
use super::{Actor, Origin, Result, ServiceError, auth};

fn check(by: Option<&Actor>) -> Result<()> {
    by.map_or(Ok(()), |a| a.require(Permission::UsersManage))
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < 4 {
        return Err(ServiceError::Invalid {
            field: "password",
            message: "use at least 4 characters".into(),
        });
    }
    if password.len() > 72 {
        return Err(ServiceError::Invalid {
            field: "password",
            message: "bcrypt uses at most 72 bytes; use a shorter password".into(),
        });
    }
    Ok(())
}

pub async fn create(
    db: &Db,
    by: Option<&Actor>,
    origin: &Origin,
    name: &str,
    email: &str,
    password: &str,
) -> Result<i64> {
    check(by)?;
    let name = require_text("name", name, 255)?;
    let email = require_text("email", email, 255)?.to_lowercase();
    if !email.contains('@') {
        return Err(ServiceError::Invalid {
            field: "email",
            message: format!("\"{email}\" is not an email address"),
        });
    }
    check_password(password)?;
    let hash = {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || auth::hash_password(&password))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))??
    };
    let mut tx = db.begin().await?;
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
    record(
        &mut tx,
        by,
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
    tx.commit().await?;
    Ok(id)
}

async fn user_id(db: &Db, email: &str) -> Result<i64> {
    let mut conn = db.clone();
    store::users::find_by_email(&mut conn, email)
        .await?
        .map(|u| u.id)
        .ok_or(ServiceError::NotFound {
            what: "user",
            key: email.to_owned(),
        })
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
    check(by)?;
    let uid = user_id(db, email).await?;
    let mut tx = db.begin().await?;
    let role_id = store::users::role_id(&mut tx, role.as_str())
        .await?
        .ok_or_else(|| {
            ServiceError::Internal(format!(
                "role {} is not seeded; run `obryl migrate`",
                role.as_str()
            ))
        })?;
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
    record(
        &mut tx,
        by,
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
    tx.commit().await?;
    Ok(true)
}

pub async fn set_password(
    db: &Db,
    by: Option<&Actor>,
    origin: &Origin,
    email: &str,
    password: &str,
) -> Result<()> {
    check(by)?;
    check_password(password)?;
    let uid = user_id(db, email).await?;
    let hash = {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || auth::hash_password(&password))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))??
    };
    let mut tx = db.begin().await?;
    store::users::set_password(&mut tx, uid, &hash, super::now()).await?;
    record(
        &mut tx,
        by,
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
    tx.commit().await?;
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
    actor.require(Permission::WorkloadEdit)?;
    let mut tx = db.begin().await?;
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
    record(
        &mut tx,
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
    tx.commit().await?;
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
    actor.require(Permission::WorkloadEdit)?;
    if !(0..=168).contains(&weekly_hours) {
        return Err(ServiceError::Invalid {
            field: "hours",
            message: "a weekly capacity is 0 to 168 hours".into(),
        });
    }
    if max_projects.is_some_and(|m| !(0..=50).contains(&m)) {
        return Err(ServiceError::Invalid {
            field: "max_active_projects",
            message: "at most 50 active projects".into(),
        });
    }
    let mut tx = db.begin().await?;
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
    record(
        &mut tx,
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
    tx.commit().await?;
    Ok(true)
}
