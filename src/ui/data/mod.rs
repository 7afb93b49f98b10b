//! The data side of the event loop: screens hand it typed `Job`s; each runs as its own tokio
//! task against the core (`office`, `service`, `store`) and comes back as a `DataEvent`. Per
//! pane, a newer job aborts the older one, so at most one is in flight and a stale answer never
//! overwrites a fresh one; writes (`Pane::Action`) are never aborted.

pub mod common;
mod job;

pub use job::{Done, Job, Typed};

use std::collections::HashMap;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use crate::service::{Actor, Origin, ServiceError};
use crate::store::Db;
use crate::store::audit::AuditRow;
use crate::store::commissions::CommissionRow;
use crate::store::people::PersonRow;
use crate::store::projects::ProjectRow;
use crate::store::reviews::ReviewListRow;
use crate::store::tickets::TicketRow;

use super::app::AppEvent;
use super::screens::TabId;
use super::widgets::virtual_table::{Fill, Identified};

pub use crate::office::workload::{WEEKS, WorkloadRow};

pub use crate::office::details::{
    CommissionDetail, DeveloperDetail, ProjectDetail, ReviewDetail, TicketDetail, UserDetail,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    List(TabId),
    Detail(TabId),
    Unread,
    Notifications,
    Presence,
    /// The options of a picker that loads them (agents, developers, a client's projects).
    Choices,
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
    pub result: Result<Typed, ServiceError>,
}

/// Rows whose identity is their `id` column.
macro_rules! identified_by_id {
    ($($row:ty),+) => {
        $(impl Identified for $row {
            fn row_id(&self) -> i64 {
                self.id
            }
        })+
    };
}

identified_by_id!(
    ProjectRow,
    CommissionRow,
    TicketRow,
    AuditRow,
    PersonRow,
    ReviewListRow
);

impl Identified for WorkloadRow {
    fn row_id(&self) -> i64 {
        self.dev.id
    }
}

pub struct Data {
    db: Db,
    /// None until someone logs in (then only anonymous jobs run: the login).
    actor: Option<Actor>,
    /// The connection the requests come from (audit rows, login throttling).
    origin: Origin,
    out: UnboundedSender<AppEvent>,
    inflight: HashMap<Pane, (u64, AbortHandle)>,
    /// Mutations sent and not answered yet (never aborted, so counted apart).
    actions_in_flight: usize,
    seq: u64,
}

impl Data {
    pub fn new(
        db: Db,
        actor: Option<Actor>,
        origin: Origin,
        out: UnboundedSender<AppEvent>,
    ) -> Data {
        Data {
            db,
            actor,
            origin,
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
    pub fn send(&mut self, pane: Pane, fill: Fill, job: Job) -> u64 {
        self.seq += 1;
        let seq = self.seq;
        if pane != Pane::Action
            && let Some((_, old)) = self.inflight.remove(&pane)
        {
            old.abort();
        }
        let (db, actor, out) = (self.db.clone(), self.actor.clone(), self.out.clone());
        let origin = self.origin.clone();
        let handle = tokio::spawn(async move {
            let result = job.run(db, actor, origin).await;
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
