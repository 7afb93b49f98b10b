//! Typed background jobs: a screen hands the data task a future over the core (`office`,
//! `store`, `service`) and gets its own answer type back, without an app-wide variant for it.
//! The runner keeps what it does for every request: one job in flight per pane, a newer one
//! supersedes the older, answers matched by sequence number.

use std::any::Any;
use std::fmt;
use std::future::Future;

use futures::future::BoxFuture;

use crate::domain::Locale;
use crate::service::{Actor, Origin, ServiceError};
use crate::store::Db;

/// What a job answered; the screen that asked knows its type.
pub struct Typed(pub Box<dyn Any + Send>);

impl fmt::Debug for Typed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Typed(..)")
    }
}

impl Typed {
    /// The answer as `T`, or itself back when it is something else.
    pub fn take<T: 'static>(self) -> Result<T, Typed> {
        self.0.downcast::<T>().map(|b| *b).map_err(Typed)
    }
}

type Answer = BoxFuture<'static, Result<Typed, ServiceError>>;

enum Run {
    /// Work done as the logged-in staff member, from the connection's origin.
    AsActor(Box<dyn FnOnce(Db, Actor, Origin) -> Answer + Send>),
    /// Work before anyone is logged in (the login itself), from the connection's origin.
    Anonymous(Box<dyn FnOnce(Db, Origin) -> Answer + Send>),
}

/// Work for the data task, answered as `Typed`.
pub struct Job(Run);

impl Job {
    pub fn new<T, F, Fut>(f: F) -> Job
    where
        T: Send + 'static,
        F: FnOnce(Db, Actor) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, ServiceError>> + Send + 'static,
    {
        Job(Run::AsActor(Box::new(move |db, actor, _| {
            Box::pin(async move { f(db, actor).await.map(|t| Typed(Box::new(t))) })
        })))
    }

    /// A write: `f` runs as the actor with the origin of the connection it came through
    /// (the session's), and answers what to tell the staff member when it went through.
    pub fn write<F, Fut>(f: F) -> Job
    where
        F: FnOnce(Db, Actor, Origin) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Done, ServiceError>> + Send + 'static,
    {
        Job(Run::AsActor(Box::new(move |db, actor, origin| {
            Box::pin(async move { f(db, actor, origin).await.map(|t| Typed(Box::new(t))) })
        })))
    }

    /// Work that needs nobody logged in.
    pub fn anonymous<T, F, Fut>(f: F) -> Job
    where
        T: Send + 'static,
        F: FnOnce(Db, Origin) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, ServiceError>> + Send + 'static,
    {
        Job(Run::Anonymous(Box::new(move |db, origin| {
            Box::pin(async move { f(db, origin).await.map(|t| Typed(Box::new(t))) })
        })))
    }

    /// Runs the job; work as an actor with nobody logged in is refused.
    pub(super) async fn run(
        self,
        db: Db,
        actor: Option<Actor>,
        origin: Origin,
    ) -> Result<Typed, ServiceError> {
        match (self.0, actor) {
            (Run::AsActor(f), Some(actor)) => f(db, actor, origin).await,
            (Run::AsActor(_), None) => Err(ServiceError::SessionExpired),
            (Run::Anonymous(f), _) => f(db, origin).await,
        }
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Job(..)")
    }
}

/// What a write that went through tells the app: the success toast, and whether the list's
/// selection is used up (a bulk action).
#[derive(Debug)]
pub struct Done {
    pub toast: String,
    pub clears_selection: bool,
    /// A secret made by the write (a new token, a webhook secret): shown once, in a popup
    /// that stays until dismissed, under this title.
    pub reveal: Option<(String, String)>,
    /// The record the write made: the cursor goes to it (a new endpoint, token, article),
    /// never stays on the row where the list had it before.
    pub focus: Option<i64>,
}

impl Done {
    /// The toast `key` in `locale`, with its arguments.
    pub fn say(locale: Locale, key: &str, args: &[(&str, &str)]) -> Done {
        Done::text(crate::tr(locale, key, args))
    }

    /// The toast "`key`" about record `id` (most writes say just that).
    pub fn about(locale: Locale, key: &str, id: i64) -> Done {
        Done::say(locale, key, &[("id", &id.to_string())])
    }

    pub fn text(toast: String) -> Done {
        Done {
            toast,
            clears_selection: false,
            reveal: None,
            focus: None,
        }
    }

    /// Puts the cursor on record `id` (made by the write) once the list is read again.
    pub fn focusing(mut self, id: i64) -> Done {
        self.focus = Some(id);
        self
    }

    /// Shows `secret` once after the toast, under `title`.
    pub fn revealing(mut self, title: String, secret: String) -> Done {
        self.reveal = Some((title, secret));
        self
    }
}
