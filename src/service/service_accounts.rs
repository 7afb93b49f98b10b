//! Service accounts: the named identities background processes act as (`obryl worker`,
//! `obryl serve --api`, the demo's in-process worker). One is a staff account like any other
//! (its roles carry its rights, every job re-reads them, its changes are audited under its
//! name) that nobody can log in as: its e-mail is `NAME@service.invalid` (a reserved domain,
//! RFC 2606) and its password a random secret nobody was ever shown. Only the background
//! commands accept it, by name (`--as NAME`); the operator creates it, grants and revokes its
//! roles and deletes it with the role-administration rules of every staff account.

use crate::domain::access::{RoleChange, check_role_change};
use crate::domain::{Role, UseCase};
use crate::store::{self, Db};

use super::{Actor, Origin, Result, Said, ServiceError, access, users};

/// The domain of every service account's e-mail.
pub const EMAIL_DOMAIN: &str = "service.invalid";

/// The e-mail a service account named `name` has.
pub fn email_of(name: &str) -> String {
    format!("{}@{EMAIL_DOMAIN}", name.trim().to_lowercase())
}

/// Whether `email` is a service account's.
pub fn is_service_email(email: &str) -> bool {
    email
        .trim()
        .to_lowercase()
        .strip_suffix(EMAIL_DOMAIN)
        .is_some_and(|rest| rest.ends_with('@') && rest.len() > 1)
}

/// The name of the service account whose e-mail is `email`.
pub fn name_of(email: &str) -> Option<&str> {
    let (name, domain) = email.rsplit_once('@')?;
    (domain.eq_ignore_ascii_case(EMAIL_DOMAIN) && !name.is_empty()).then_some(name)
}

/// A service account's name: a letter or digit, then letters, digits and hyphens, at most 40.
pub fn check_name(name: &str) -> Result<String> {
    let name = name.trim().to_lowercase();
    let ok = (1..=40).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-');
    if ok {
        Ok(name)
    } else {
        Err(ServiceError::Invalid {
            field: "name",
            message: Said::new("service_account_name").arg("value", name),
        })
    }
}

/// Creates the service account `name` holding `roles`: as `by` with `users.manage` and the
/// role rules (nobody hands out more than they hold), or as the operator when `by` is None.
/// Each step is audited like `user create --role`; every rule is checked before the first,
/// so a refusal writes nothing. Returns its user id.
pub async fn create(
    db: &Db,
    by: Option<&Actor>,
    origin: &Origin,
    name: &str,
    roles: &[Role],
) -> Result<i64> {
    let name = check_name(name)?;
    if !roles.iter().any(|r| r.is_staff()) {
        return Err(ServiceError::Invalid {
            field: "role",
            message: Said::new("service_account_role"),
        });
    }
    if let Some(by) = by {
        // The rules of every grant, before anything is written.
        let fresh = access::authorize(db, by, UseCase::UserRole).await?;
        for role in roles {
            let role_permissions = users::role_permissions(&mut db.clone(), *role).await?;
            check_role_change(&RoleChange {
                actor_id: fresh.id,
                actor_roles: &fresh.roles,
                actor_permissions: &fresh.permissions,
                // Nobody yet: never the actor.
                target_id: 0,
                role: *role,
                role_permissions: &role_permissions,
                grant: true,
                other_super_admins: None,
            })
            .map_err(ServiceError::RoleRule)?;
        }
    }
    let email = email_of(&name);
    if store::users::find_by_email(&mut db.clone(), &email)
        .await?
        .is_some()
    {
        return Err(ServiceError::Duplicate {
            field: "email",
            value: email,
        });
    }
    // A secret nobody is shown: the account cannot be logged into.
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let id = users::create(db, by, origin, &name, &email, &secret[..64]).await?;
    for role in roles {
        users::set_role(db, by, origin, &email, *role, true).await?;
    }
    Ok(id)
}

/// The service account `name` as it is now (roles and permissions re-read): refused when
/// there is none, it was deleted, or it holds no staff role any more.
pub async fn find(db: &Db, name: &str) -> Result<Actor> {
    let email = email_of(name);
    let missing = || ServiceError::NotFound {
        what: "service account",
        key: name.trim().to_owned(),
    };
    let mut conn = db.clone();
    let user = store::users::find_by_email(&mut conn, &email)
        .await?
        .ok_or_else(missing)?;
    if let Some(at) = user.deleted_at {
        return Err(ServiceError::AccountDeleted { at });
    }
    super::access::current(&mut conn, &stub(user.id, &user.name, &email)).await
}

/// An actor to re-read: only its id matters to `access::current`.
fn stub(id: i64, name: &str, email: &str) -> Actor {
    Actor {
        id,
        name: name.to_owned(),
        email: email.to_owned(),
        // Whichever role it lost last is named when none is left.
        roles: Role::ALL.iter().copied().filter(|r| r.is_staff()).collect(),
        permissions: Default::default(),
        locale: crate::domain::Locale::En,
        session_id: None,
    }
}

/// Every service account not deleted, with the roles it holds (none when its last one was
/// revoked): (name, roles), by name.
pub async fn list(db: &Db) -> Result<Vec<(String, Vec<String>)>> {
    let filter = store::people::Filter {
        text: Some(format!("@{EMAIL_DOMAIN}")),
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut anchor = store::Anchor::First;
    loop {
        let page = store::people::page(
            &mut db.clone(),
            &filter,
            &Role::staff_names(),
            store::people::Sort::Name,
            &anchor,
            200,
        )
        .await?;
        let last = page
            .rows
            .last()
            .map(|p| store::people::Sort::Name.cursor(p));
        for person in page.rows {
            if let Some(name) = name_of(&person.email) {
                out.push((name.to_owned(), person.roles.clone()));
            }
        }
        match (page.has_after, last) {
            (true, Some(cursor)) => anchor = store::Anchor::After(cursor),
            _ => break,
        }
    }
    out.sort();
    Ok(out)
}
