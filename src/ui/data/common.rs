//! The jobs the app itself runs, whatever the screen: the unread count, the notifications,
//! marking them read, who the actor is now, and the connection probe.

use crate::domain::Locale;
use crate::service;
use crate::store::notifications::NotificationRow;

use super::{Done, Job};

/// The actor's unread notifications (answers `i64`).
pub fn unread() -> Job {
    Job::new(|mut db, actor| async move {
        Ok(crate::store::notifications::unread_count(&mut db, actor.id).await?)
    })
}

/// The actor's latest notifications (answers `Vec<NotificationRow>`).
pub fn notifications() -> Job {
    Job::new(|mut db, actor| async move {
        let rows: Vec<NotificationRow> =
            crate::store::notifications::list(&mut db, actor.id, 100).await?;
        Ok(rows)
    })
}

/// Marks one notification read, or all of them (`None`).
pub fn mark_read(id: Option<String>, locale: Locale) -> Job {
    Job::write(move |db, actor, _| async move {
        service::notifications::mark_read(&db, &actor, id.as_deref()).await?;
        Ok(Done::say(locale, "toast.marked_read", &[]))
    })
}

/// Who the actor is now, rights re-read (answers `Actor`).
pub fn whoami() -> Job {
    Job::new(|mut db, actor| async move { service::access::current(&mut db, &actor).await })
}

/// Whether the database answers again (answers `()`).
pub fn ping() -> Job {
    Job::new(|db, _| async move { Ok(db.ping().await?) })
}
