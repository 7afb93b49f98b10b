//! The writes this view asks for (roles, availability, capacity, sessions) and what each says
//! when it went through.

use crate::domain::{Availability, Locale, Role};
use crate::office::format;
use crate::service::{auth, users};
use crate::ui::data::{Done, Job};

pub fn set_role(email: String, role: Role, grant: bool, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let changed = users::set_role(&db, Some(&actor), &origin, &email, role, grant).await?;
        let key = match (grant, changed) {
            (true, true) => "toast.role_granted",
            (false, true) => "toast.role_revoked",
            _ => "toast.role_unchanged",
        };
        let args = [("email", email.as_str()), ("role", role.as_str())];
        Ok(Done::say(locale, key, &args))
    })
}

/// A developer's availability; `seen` is the one the staff member saw (a change meanwhile is
/// refused).
pub fn availability(user_id: i64, to: Availability, seen: String, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let changed =
            users::set_availability(&db, &actor, &origin, user_id, to, Some(&seen)).await?;
        let key = if changed {
            "toast.availability_changed"
        } else {
            "toast.availability_unchanged"
        };
        let (id, to) = (
            user_id.to_string(),
            format::status("availability", to.as_str(), locale),
        );
        Ok(Done::say(locale, key, &[("id", &id), ("to", &to)]))
    })
}

pub fn capacity(user_id: i64, hours: i64, max_projects: Option<i64>, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        users::set_capacity(&db, &actor, &origin, user_id, hours, max_projects).await?;
        Ok(Done::about(locale, "toast.capacity_saved", user_id))
    })
}

/// Ends every live session of the person.
pub fn end_sessions(user_id: i64, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let count = auth::revoke(&db, &actor, &origin, user_id, None).await?;
        let n = count.to_string();
        Ok(Done::say(locale, "toast.sessions_revoked", &[("n", &n)]))
    })
}
