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
    /// Who is at the other end, for login throttling and the audit log: the peer's address
    /// for a network connection, else the operating-system account id and host (from the
    /// kernel, never from the environment).
    pub source: String,
    /// Set on the operator's bootstrap path (staff-account commands run without a logged-in
    /// actor): the operating-system user, named in the audit row.
    pub operator: Option<String>,
    /// The peer's IP address of a network connection (the audit row's `ip_address`).
    pub address: Option<String>,
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
        // A local process is identified by the operating-system account running it, read from
        // the kernel, never from environment variables a user can set (USER, SSH_CLIENT):
        // throttling and the audit log must not be steerable by the person they watch.
        let source = format!("local:uid{}@{host}", os_uid());
        Origin {
            channel,
            host,
            source,
            operator: None,
            address: None,
        }
    }
    /// A connection from the network (the SSH server): the peer's address is the source.
    pub fn connection(channel: &'static str, peer: std::net::SocketAddr) -> Origin {
        Origin {
            source: format!("{channel}:{}", peer.ip()),
            address: Some(peer.ip().to_string()),
            ..Origin::new(channel)
        }
    }
}

/// The real user id of this process.
fn os_uid() -> u32 {
    #[cfg(unix)]
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe {
        libc::getuid()
    }
    #[cfg(not(unix))]
    0
}

/// The operator's account as the system knows it: "name (uid 1000)", from the password
/// database for the real user id.
fn os_user() -> String {
    let uid = os_uid();
    match account_name(uid) {
        Some(name) => format!("{name} (uid {uid})"),
        None => format!("uid {uid}"),
    }
}

#[cfg(unix)]
fn account_name(uid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer refers to live, correctly sized storage owned by this frame;
    // getpwuid_r writes the entry's strings into `buf` and sets `found` on success.
    let rc = unsafe { libc::getpwuid_r(uid, &mut entry, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() || entry.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
    let name = name.to_string_lossy().into_owned();
    (!name.is_empty()).then_some(name)
}

#[cfg(not(unix))]
fn account_name(_uid: u32) -> Option<String> {
    None
}

/// This machine's name as the kernel reports it (not `HOSTNAME`, which anyone can set).
pub fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it
        // on success (the last byte stays 0 in any case).
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) };
        if rc == 0 {
            let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
            let name = String::from_utf8_lossy(&buf[..end]).trim().to_owned();
            if !name.is_empty() {
                return name;
            }
        }
    }
    "localhost".into()
}
