//! Who is acting: a logged-in staff member with roles and permissions loaded from the database.
//! What an `Actor` holds is a snapshot for showing keys; every write re-reads it inside its
//! transaction (`access::begin`).

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
    /// The back-office session this actor acts through (every TUI login has one; a CLI
    /// command authenticated by password has none). Checked at every write.
    pub session_id: Option<i64>,
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
            session_id: None,
        })
    }

    /// The same person acting through `session`.
    pub fn in_session(self, session: i64) -> Actor {
        Actor {
            session_id: Some(session),
            ..self
        }
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

/// Where a change came from, recorded in the audit row (`url`, `user_agent`, `ip_address`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub channel: &'static str,
    pub host: String,
    /// Who is at the other end, for login throttling and the audit log: the SSH client's
    /// address when connected over SSH, else the local account and host.
    pub source: String,
    /// Set on the operator's bootstrap path (staff-account commands run without a logged-in
    /// actor): the operating-system user, named in the audit row.
    pub operator: Option<String>,
}

impl Origin {
    pub fn tui() -> Origin {
        Origin::new("tui")
    }
    pub fn cli() -> Origin {
        Origin::new("cli")
    }
    /// The background worker (`obryl worker`, or in the TUI): its decisions name no staff.
    pub fn worker() -> Origin {
        Origin::new("worker")
    }
    /// The CLI run by the operator without a staff login (bypasses permissions).
    pub fn operator() -> Origin {
        Origin {
            operator: Some(os_user()),
            ..Origin::new("cli")
        }
    }
    fn new(channel: &'static str) -> Origin {
        let host = host_name();
        let source = ssh_client()
            .map(|ip| format!("ssh:{ip}"))
            .unwrap_or_else(|| format!("local:{}@{host}", os_user()));
        Origin {
            channel,
            host,
            source,
            operator: None,
        }
    }
}

/// The client address of an SSH connection (`SSH_CLIENT="ip port port"`).
fn ssh_client() -> Option<String> {
    let v = std::env::var("SSH_CLIENT")
        .or_else(|_| std::env::var("SSH_CONNECTION"))
        .ok()?;
    let ip = v.split_whitespace().next()?.to_owned();
    (!ip.is_empty()).then_some(ip)
}

fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}
