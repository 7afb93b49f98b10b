//! Who is acting: a logged-in staff member with roles and permissions loaded from the database.

use std::collections::BTreeSet;

use crate::domain::{Locale, Permission, Role};
use crate::store::{self, Conn};

use super::{Result, ServiceError};

#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub permissions: BTreeSet<Permission>,
    pub locale: Locale,
}

impl Actor {
    /// Loads a user's roles and permissions; refuses anyone without a staff role.
    pub async fn load(c: &mut impl Conn, user_id: i64) -> Result<Actor> {
        let user = store::users::find(c, user_id)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or(ServiceError::NotFound {
                what: "user",
                key: user_id.to_string(),
            })?;
        let roles: Vec<Role> = store::users::roles_of(c, user_id)
            .await?
            .iter()
            .filter_map(|r| Role::parse(r).ok())
            .collect();
        if !roles.iter().any(|r| r.is_staff()) {
            return Err(ServiceError::NotStaff { email: user.email });
        }
        let permissions = store::users::permissions_of(c, user_id)
            .await?
            .iter()
            .filter_map(|p| Permission::parse(p).ok())
            .collect();
        Ok(Actor {
            id: user.id,
            name: user.name,
            email: user.email,
            roles,
            permissions,
            locale: Locale::from_tag(&user.locale),
        })
    }

    pub fn can(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }

    pub fn require(&self, p: Permission) -> Result<()> {
        if self.can(p) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden {
                permission: p.as_str(),
            })
        }
    }

    /// The staff role shown next to the name ("finance", "support", ...).
    pub fn main_role(&self) -> &'static str {
        self.roles
            .iter()
            .find(|r| r.is_staff())
            .map(|r| r.as_str())
            .unwrap_or("staff")
    }
}

/// Where a change came from, recorded in the audit row (`url`, `user_agent`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub channel: &'static str,
    pub host: String,
}

impl Origin {
    pub fn tui() -> Origin {
        Origin {
            channel: "tui",
            host: host_name(),
        }
    }
    pub fn cli() -> Origin {
        Origin {
            channel: "cli",
            host: host_name(),
        }
    }
}

fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}
