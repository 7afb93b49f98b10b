//! The data side of the event loop: screens ask for `Request`s; each runs as its own tokio task
//! against `service`/`store` and comes back as a `DataEvent`. Per pane, a newer request aborts
//! the older one, so at most one is in flight and a stale answer never overwrites a fresh one.

mod execute;
mod job;

pub use job::{Job, Typed};

use std::collections::HashMap;

use chrono::NaiveDate;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use crate::service::commissions::Kind;
use crate::service::{self, Actor, Origin, ServiceError};
use crate::store::audit::AuditRow;
use crate::store::commissions::CommissionRow;
use crate::store::notifications::NotificationRow;
use crate::store::people::PersonRow;
use crate::store::projects::ProjectRow;
use crate::store::reviews::ReviewListRow;
use crate::store::tickets::TicketRow;
use crate::store::{self, Anchor, Db};

use super::app::AppEvent;
use super::screens::TabId;
use super::widgets::virtual_table::{Fill, Identified};

pub use crate::office::workload::{WEEKS, WorkloadRow};

#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Unread,
    Notifications,
    MarkRead(Option<String>),
    Ping,
    Approve {
        kind: Kind,
        id: i64,
        seen: Option<i64>,
    },
    HideReview {
        id: i64,
        reason: String,
    },
    SetPlannedHours {
        developer_id: i64,
        project_id: i64,
        week: NaiveDate,
        hours: i64,
    },
    CancelCommission {
        kind: Kind,
        id: i64,
        seen: Option<i64>,
    },
    BulkApprove {
        kind: Kind,
        ids: Vec<i64>,
    },
    Reject {
        kind: Kind,
        id: i64,
        reason: String,
        seen: Option<i64>,
    },
    Pay {
        kind: Kind,
        id: i64,
        reference: String,
        seen: Option<i64>,
    },
    AssignTicketToMe {
        id: i64,
        seen: Option<i64>,
    },
    TicketReply {
        id: i64,
        body: String,
        internal: bool,
    },
    TicketStatus {
        id: i64,
        to: crate::domain::TicketStatus,
        resolution: Option<String>,
        seen: Option<i64>,
    },
    TicketPriority {
        id: i64,
        priority: crate::domain::TicketPriority,
        seen: Option<i64>,
    },
    AssignTicket {
        id: i64,
        to: i64,
        seen: Option<i64>,
    },
    Presence {
        id: i64,
        typing: bool,
    },
    Agents,
    Candidates {
        project_id: i64,
    },
    /// A client's projects, newest first (to link a ticket to one).
    ClientProjects {
        ticket_id: i64,
        client_id: i64,
    },
    LinkProject {
        ticket_id: i64,
        project_id: Option<i64>,
    },
    AssignDeveloper {
        project_id: i64,
        developer_id: i64,
        seen: Option<i64>,
    },
    ProjectStatus {
        id: i64,
        to: crate::domain::ProjectStatus,
        seen: Option<i64>,
    },
    Articles,
    RestoreReview {
        id: i64,
    },
    SetAvailability {
        user_id: i64,
        to: crate::domain::Availability,
        seen: String,
    },
    SetCapacity {
        user_id: i64,
        hours: i64,
        max_projects: Option<i64>,
    },
    SetRole {
        email: String,
        role: crate::domain::Role,
        grant: bool,
    },
    EditArticle {
        id: i64,
        title: String,
        excerpt: String,
        body: String,
        seen: Option<i64>,
    },
    ArticleStatus {
        id: i64,
        to: crate::domain::ArticleStatus,
        seen: Option<i64>,
    },
    Settings,
    /// Who the actor is now (after a change to their roles or sessions).
    Whoami,
    /// Ends every live session of a person.
    RevokeSessions {
        user_id: i64,
    },
    UpdateSetting {
        group: String,
        name: String,
        payload: String,
    },
}

pub use crate::office::details::{
    CommissionDetail, DeveloperDetail, ProjectDetail, ReviewDetail, TicketDetail, UserDetail,
};

/// What an action did, for the toast.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Approved {
        id: i64,
        first_of_two: bool,
    },
    /// Bulk approval: how many went through, and why the others were skipped.
    Bulk {
        approved: usize,
        /// Above the threshold: the first of two approvals is in.
        first_of_two: usize,
        skipped: Vec<(i64, String)>,
    },
    Rejected {
        id: i64,
    },
    Cancelled {
        id: i64,
    },
    ReviewHidden {
        id: i64,
    },
    ReviewRestored {
        id: i64,
    },
    AvailabilityChanged {
        user_id: i64,
        to: String,
        changed: bool,
    },
    CapacityChanged {
        user_id: i64,
    },
    HoursPlanned {
        developer_id: i64,
    },
    Paid {
        id: i64,
    },
    Assigned {
        id: i64,
    },
    MarkedRead,
    Replied {
        id: i64,
        internal: bool,
    },
    TicketChanged {
        id: i64,
    },
    ProjectChanged {
        id: i64,
    },
    ArticleChanged {
        id: i64,
    },
    RoleChanged {
        email: String,
        role: String,
        grant: bool,
        changed: bool,
    },
    SettingUpdated {
        key: String,
    },
    SessionsRevoked {
        user_id: i64,
        count: u64,
    },
}

#[derive(Debug)]
pub enum Reply {
    Unread(i64),
    Notifications(Vec<NotificationRow>),
    Settings(Vec<crate::store::settings::SettingRow>),
    Presence(i64, Vec<(String, bool)>),
    Agents(Vec<(i64, String, String)>),
    Articles(Vec<crate::store::content::ArticleRow>),
    /// Developers ranked by free capacity for a project, with the hours it needs.
    Candidates(i64, Vec<crate::store::workload::Candidate>, i64),
    /// A ticket and its requester's projects.
    ClientProjects(i64, Vec<ProjectRow>),
    Pong,
    Actor(Box<Actor>),
    /// A typed job's answer (see `Job`).
    Typed(Typed),
    Done(Outcome),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    List(TabId),
    Detail(TabId),
    Unread,
    Notifications,
    Presence,
    Agents,
    Articles,
    Candidates,
    ClientProjects,
    Settings,
    Ping,
    /// Pages read for a CSV export.
    Export,
    /// Re-reading the actor's rights.
    Whoami,
    /// The login screen's email + password check.
    Login,
    /// Mutations: never aborted by a newer request.
    Action,
}

#[derive(Debug)]
pub struct DataEvent {
    pub pane: Pane,
    pub seq: u64,
    pub fill: Fill,
    pub result: Result<Reply, ServiceError>,
}

impl Identified for ProjectRow {
    fn row_id(&self) -> i64 {
        self.id
    }
}
impl Identified for CommissionRow {
    fn row_id(&self) -> i64 {
        self.id
    }
}
impl Identified for TicketRow {
    fn row_id(&self) -> i64 {
        self.id
    }
}
impl Identified for AuditRow {
    fn row_id(&self) -> i64 {
        self.id
    }
}
impl Identified for PersonRow {
    fn row_id(&self) -> i64 {
        self.id
    }
}
impl Identified for ReviewListRow {
    fn row_id(&self) -> i64 {
        self.id
    }
}
impl Identified for WorkloadRow {
    fn row_id(&self) -> i64 {
        self.dev.id
    }
}

/// What the data task runs: an app request, or a screen's typed job.
#[derive(Debug)]
pub enum Work {
    Request(Request),
    Job(Job),
}

impl From<Request> for Work {
    fn from(r: Request) -> Work {
        Work::Request(r)
    }
}

impl From<Job> for Work {
    fn from(j: Job) -> Work {
        Work::Job(j)
    }
}

pub struct Data {
    db: Db,
    /// None until someone logs in (then only anonymous jobs run: the login).
    actor: Option<Actor>,
    out: UnboundedSender<AppEvent>,
    inflight: HashMap<Pane, (u64, AbortHandle)>,
    /// Mutations sent and not answered yet (never aborted, so counted apart).
    actions_in_flight: usize,
    seq: u64,
}

impl Data {
    pub fn new(db: Db, actor: Option<Actor>, out: UnboundedSender<AppEvent>) -> Data {
        Data {
            db,
            actor,
            out,
            inflight: HashMap::new(),
            actions_in_flight: 0,
            seq: 0,
        }
    }

    /// Requests sent from now on act as `actor` (their rights were re-read).
    pub fn set_actor(&mut self, actor: Actor) {
        self.actor = Some(actor);
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Starts `req` for `pane`, aborting whatever that pane still had in flight.
    pub fn send(&mut self, pane: Pane, fill: Fill, work: impl Into<Work>) -> u64 {
        let work = work.into();
        self.seq += 1;
        let seq = self.seq;
        if pane != Pane::Action
            && let Some((_, old)) = self.inflight.remove(&pane)
        {
            old.abort();
        }
        let (db, actor, out) = (self.db.clone(), self.actor.clone(), self.out.clone());
        let handle = tokio::spawn(async move {
            let result = match work {
                Work::Request(req) => match &actor {
                    Some(actor) => execute::run(&db, actor, req).await,
                    None => Err(ServiceError::SessionExpired),
                },
                Work::Job(job) => job.run(db, actor).await.map(Reply::Typed),
            };
            let _ = out.send(AppEvent::Data(DataEvent {
                pane,
                seq,
                fill,
                result,
            }));
        });
        if pane == Pane::Action {
            self.actions_in_flight += 1;
        } else {
            self.inflight.insert(pane, (seq, handle.abort_handle()));
        }
        seq
    }

    /// Called when an answer arrives; false when it was superseded (drop it).
    pub fn accept(&mut self, ev: &DataEvent) -> bool {
        if ev.pane == Pane::Action {
            self.actions_in_flight = self.actions_in_flight.saturating_sub(1);
            return true;
        }
        match self.inflight.get(&ev.pane) {
            Some((seq, _)) if *seq == ev.seq => {
                self.inflight.remove(&ev.pane);
                true
            }
            _ => false,
        }
    }

    /// Drops what `pane` has in flight (its answer will never come).
    pub fn abort(&mut self, pane: Pane) {
        if let Some((_, handle)) = self.inflight.remove(&pane) {
            handle.abort();
        }
    }

    pub fn busy(&self, pane: Pane) -> bool {
        self.inflight.contains_key(&pane)
    }

    pub fn idle(&self) -> bool {
        self.inflight.is_empty() && self.actions_in_flight == 0
    }
}
