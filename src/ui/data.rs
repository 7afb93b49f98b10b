//! The data side of the event loop: screens ask for `Request`s; each runs as its own tokio task
//! against `service`/`store` and comes back as a `DataEvent`. Per pane, a newer request aborts
//! the older one, so at most one is in flight and a stale answer never overwrites a fresh one.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use crate::service::commissions::Kind;
use crate::service::{self, Actor, Origin, ServiceError};
use crate::store::audit::{AuditFilter, AuditRow};
use crate::store::commissions::CommissionRow;
use crate::store::notifications::NotificationRow;
use crate::store::projects::ProjectRow;
use crate::store::tickets::TicketRow;
use crate::store::workload::{DeveloperRow, WorkloadLine};
use crate::store::{self, Anchor, Db, Page};

use super::app::AppEvent;
use super::screens::TabId;
use super::widgets::virtual_table::{Fill, Identified};

/// Weeks shown in the workload grid.
pub const WEEKS: usize = 8;

#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Projects {
        filter: store::projects::Filter,
        sort: store::projects::Sort,
        anchor: Anchor,
        limit: u64,
    },
    Commissions {
        kind: Kind,
        filter: store::commissions::Filter,
        sort: store::commissions::Sort,
        anchor: Anchor,
        limit: u64,
    },
    Workload {
        text: Option<String>,
        sort: store::workload::Sort,
        from: NaiveDate,
        anchor: Anchor,
        limit: u64,
    },
    Tickets {
        filter: store::tickets::Filter,
        sort: store::tickets::Sort,
        anchor: Anchor,
        limit: u64,
    },
    Audit {
        filter: AuditFilter,
        anchor: Anchor,
        limit: u64,
    },
    ProjectDetail(i64),
    CommissionDetail(Kind, i64),
    TicketDetail(i64),
    DeveloperDetail {
        id: i64,
        from: NaiveDate,
    },
    Unread,
    Notifications,
    MarkRead(Option<String>),
    Ping,
    Approve {
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
    Users,
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
    UpdateSetting {
        group: String,
        name: String,
        payload: String,
    },
}

/// A developer row of the workload grid with planned hours for each shown week.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadRow {
    pub dev: DeveloperRow,
    pub weeks: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProjectDetail {
    pub project: ProjectRow,
    pub commissions: Vec<CommissionRow>,
    pub history: Vec<AuditRow>,
    pub reviews: Vec<(crate::store::content::ReviewRow, String)>,
    /// The project's conversation (the same thread pane as tickets), oldest first.
    pub messages: Vec<crate::store::messages::MessageRow>,
    pub developer: Option<crate::store::users::DeveloperProfile>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommissionDetail {
    pub row: CommissionRow,
    pub externals: Vec<CommissionRow>,
    pub history: Vec<AuditRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TicketDetail {
    pub row: TicketRow,
    pub body: String,
    pub history: Vec<AuditRow>,
    /// The thread, oldest first, internal notes included (staff only ever see this).
    pub messages: Vec<crate::store::messages::MessageRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeveloperDetail {
    pub dev: DeveloperRow,
    pub from: NaiveDate,
    pub lines: Vec<WorkloadLine>,
}

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
        skipped: Vec<(i64, String)>,
    },
    Rejected {
        id: i64,
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
}

#[derive(Debug)]
pub enum Reply {
    Projects(Page<ProjectRow>),
    Commissions(Page<CommissionRow>),
    Workload(Page<WorkloadRow>),
    Tickets(Page<TicketRow>),
    Audit(Page<AuditRow>),
    ProjectDetail(Box<ProjectDetail>),
    CommissionDetail(Box<CommissionDetail>),
    TicketDetail(Box<TicketDetail>),
    DeveloperDetail(Box<DeveloperDetail>),
    Unread(i64),
    Notifications(Vec<NotificationRow>),
    Settings(Vec<crate::store::settings::SettingRow>),
    Presence(i64, Vec<(String, bool)>),
    Agents(Vec<(i64, String, String)>),
    Articles(Vec<crate::store::content::ArticleRow>),
    Users(Vec<(i64, String, String, Vec<String>)>),
    /// Developers ranked by free capacity for a project, with the hours it needs.
    Candidates(i64, Vec<crate::store::workload::Candidate>, i64),
    Pong,
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
    Users,
    Candidates,
    Settings,
    Ping,
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
impl Identified for WorkloadRow {
    fn row_id(&self) -> i64 {
        self.dev.id
    }
}

pub struct Data {
    db: Db,
    actor: Actor,
    out: UnboundedSender<AppEvent>,
    inflight: HashMap<Pane, (u64, AbortHandle)>,
    /// Mutations sent and not answered yet (never aborted, so counted apart).
    actions_in_flight: usize,
    seq: u64,
}

impl Data {
    pub fn new(db: Db, actor: Actor, out: UnboundedSender<AppEvent>) -> Data {
        Data {
            db,
            actor,
            out,
            inflight: HashMap::new(),
            actions_in_flight: 0,
            seq: 0,
        }
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Starts `req` for `pane`, aborting whatever that pane still had in flight.
    pub fn send(&mut self, pane: Pane, fill: Fill, req: Request) -> u64 {
        self.seq += 1;
        let seq = self.seq;
        if pane != Pane::Action
            && let Some((_, old)) = self.inflight.remove(&pane)
        {
            old.abort();
        }
        let (db, actor, out) = (self.db.clone(), self.actor.clone(), self.out.clone());
        let handle = tokio::spawn(async move {
            let result = run(&db, &actor, req).await;
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

    pub fn busy(&self, pane: Pane) -> bool {
        self.inflight.contains_key(&pane)
    }

    pub fn idle(&self) -> bool {
        self.inflight.is_empty() && self.actions_in_flight == 0
    }
}

async fn run(db: &Db, actor: &Actor, req: Request) -> Result<Reply, ServiceError> {
    let mut c = db.clone();
    let origin = Origin::tui();
    Ok(match req {
        Request::Projects {
            filter,
            sort,
            anchor,
            limit,
        } => Reply::Projects(store::projects::page(&mut c, &filter, sort, &anchor, limit).await?),
        Request::Commissions {
            kind,
            filter,
            sort,
            anchor,
            limit,
        } => {
            let mut page =
                store::commissions::page(&mut c, kind, &filter, sort, &anchor, limit).await?;
            let thresholds = service::settings::dual_approval_thresholds(&mut c).await?;
            for row in &mut page.rows {
                row.dual_threshold = thresholds.get(&row.currency).copied();
            }
            Reply::Commissions(page)
        }
        Request::Workload {
            text,
            sort,
            from,
            anchor,
            limit,
        } => {
            let devs = store::workload::developers_sorted(
                &mut c,
                text.as_deref(),
                sort,
                from,
                &anchor,
                limit,
            )
            .await?;
            let ids: Vec<i64> = devs.rows.iter().map(|d| d.id).collect();
            let to = from + Duration::weeks(WEEKS as i64);
            let planned = store::workload::planned(&mut c, &ids, from, to).await?;
            Reply::Workload(devs.map(|dev| {
                let weeks = (0..WEEKS)
                    .map(|i| {
                        let week = from + Duration::weeks(i as i64);
                        planned
                            .iter()
                            .filter(|(d, w, _)| *d == dev.id && *w == week)
                            .map(|(_, _, h)| *h)
                            .sum()
                    })
                    .collect();
                WorkloadRow { dev, weeks }
            }))
        }
        Request::Tickets {
            filter,
            sort,
            anchor,
            limit,
        } => Reply::Tickets(store::tickets::page(&mut c, &filter, sort, &anchor, limit).await?),
        Request::Audit {
            filter,
            anchor,
            limit,
        } => Reply::Audit(store::audit::page(&mut c, &filter, &anchor, limit).await?),
        Request::ProjectDetail(id) => {
            let project =
                store::projects::get(&mut c, id)
                    .await?
                    .ok_or(ServiceError::NotFound {
                        what: "project",
                        key: id.to_string(),
                    })?;
            let filter = store::commissions::Filter {
                project_id: Some(id),
                ..Default::default()
            };
            let commissions = store::commissions::page(
                &mut c,
                Kind::Platform,
                &filter,
                store::commissions::Sort::Newest,
                &Anchor::First,
                20,
            )
            .await?
            .rows;
            let history = store::audit::history(&mut c, "project", id, 30).await?;
            let reviews = store::content::reviews_of_project(&mut c, id).await?;
            let messages = match store::messages::conversation_of(&mut c, "project", id).await? {
                Some(conv) => store::messages::latest(&mut c, conv, 100, true).await?,
                None => Vec::new(),
            };
            let developer = match project.developer_id {
                Some(dev) => store::users::developer_profile(&mut c, dev).await?,
                None => None,
            };
            Reply::ProjectDetail(Box::new(ProjectDetail {
                project,
                commissions,
                history,
                reviews,
                messages,
                developer,
            }))
        }
        Request::CommissionDetail(kind, id) => {
            let row =
                store::commissions::get(&mut c, kind, id)
                    .await?
                    .ok_or(ServiceError::NotFound {
                        what: "commission",
                        key: id.to_string(),
                    })?;
            let externals = match kind {
                Kind::Platform => {
                    store::commissions::externals_of_project(&mut c, row.project_id).await?
                }
                Kind::External => Vec::new(),
            };
            let history = store::audit::history(&mut c, kind.alias(), id, 30).await?;
            Reply::CommissionDetail(Box::new(CommissionDetail {
                row,
                externals,
                history,
            }))
        }
        Request::TicketDetail(id) => {
            let row = store::tickets::get(&mut c, id)
                .await?
                .ok_or(ServiceError::NotFound {
                    what: "ticket",
                    key: id.to_string(),
                })?;
            let body = store::tickets::body(&mut c, id).await?.unwrap_or_default();
            let history = store::audit::history(&mut c, "support_ticket", id, 30).await?;
            let messages =
                match store::messages::conversation_of(&mut c, "support_ticket", id).await? {
                    Some(conv) => store::messages::latest(&mut c, conv, 200, true).await?,
                    None => Vec::new(),
                };
            Reply::TicketDetail(Box::new(TicketDetail {
                row,
                body,
                history,
                messages,
            }))
        }
        Request::DeveloperDetail { id, from } => {
            let dev =
                store::workload::developer(&mut c, id)
                    .await?
                    .ok_or(ServiceError::NotFound {
                        what: "developer",
                        key: id.to_string(),
                    })?;
            let lines =
                store::workload::lines(&mut c, id, from, from + Duration::weeks(WEEKS as i64))
                    .await?;
            Reply::DeveloperDetail(Box::new(DeveloperDetail { dev, from, lines }))
        }
        Request::Unread => {
            Reply::Unread(store::notifications::unread_count(&mut c, actor.id).await?)
        }
        Request::Notifications => {
            Reply::Notifications(store::notifications::list(&mut c, actor.id, 100).await?)
        }
        Request::MarkRead(id) => {
            service::notifications::mark_read(db, actor, id.as_deref()).await?;
            Reply::Done(Outcome::MarkedRead)
        }
        Request::TicketReply { id, body, internal } => {
            service::tickets::reply(db, actor, &origin, id, &body, internal).await?;
            Reply::Done(Outcome::Replied { id, internal })
        }
        Request::TicketStatus {
            id,
            to,
            resolution,
            seen,
        } => {
            service::tickets::transition(db, actor, &origin, id, to, resolution.as_deref(), seen)
                .await?;
            Reply::Done(Outcome::TicketChanged { id })
        }
        Request::TicketPriority { id, priority, seen } => {
            service::tickets::set_priority(db, actor, &origin, id, priority, seen).await?;
            Reply::Done(Outcome::TicketChanged { id })
        }
        Request::AssignTicket { id, to, seen } => {
            service::tickets::assign(db, actor, &origin, id, to, seen).await?;
            Reply::Done(Outcome::Assigned { id })
        }
        Request::Presence { id, typing } => {
            Reply::Presence(id, service::tickets::presence(db, actor, id, typing).await?)
        }
        Request::Agents => {
            Reply::Agents(store::users::staff(&mut c, &["support", "super-admin"]).await?)
        }
        Request::Candidates { project_id } => {
            let project =
                store::projects::get(&mut c, project_id)
                    .await?
                    .ok_or(ServiceError::NotFound {
                        what: "project",
                        key: project_id.to_string(),
                    })?;
            let plan = service::projects::plan_weeks(&project, chrono::Utc::now().date_naive());
            let (from, weeks) = match (plan.first(), plan.last()) {
                (Some(first), Some(last)) => (first.0, (last.0 - first.0).num_weeks() + 1),
                _ => (
                    service::projects::week_start(chrono::Utc::now().date_naive()),
                    1,
                ),
            };
            let to = from + Duration::weeks(weeks);
            let hours = plan.iter().map(|(_, h)| h).sum();
            let list =
                store::workload::candidates(&mut c, project.client_id, from, to, weeks, 20).await?;
            Reply::Candidates(project_id, list, hours)
        }
        Request::AssignDeveloper {
            project_id,
            developer_id,
            seen,
        } => {
            service::projects::assign_developer(db, actor, &origin, project_id, developer_id, seen)
                .await?;
            Reply::Done(Outcome::ProjectChanged { id: project_id })
        }
        Request::ProjectStatus { id, to, seen } => {
            service::projects::transition(db, actor, &origin, id, to, seen).await?;
            Reply::Done(Outcome::ProjectChanged { id })
        }
        Request::Users => Reply::Users(store::users::with_roles(&mut c, 500).await?),
        Request::SetRole { email, role, grant } => {
            let changed =
                service::users::set_role(db, Some(actor), &origin, &email, role, grant).await?;
            Reply::Done(Outcome::RoleChanged {
                email,
                role: role.as_str().to_owned(),
                grant,
                changed,
            })
        }
        Request::Articles => Reply::Articles(store::content::list_articles(&mut c, 200).await?),
        Request::EditArticle {
            id,
            title,
            excerpt,
            body,
            seen,
        } => {
            let edit = service::content::ArticleEdit {
                title: &title,
                excerpt: &excerpt,
                body: &body,
            };
            service::content::edit_article(db, actor, &origin, id, &edit, seen).await?;
            Reply::Done(Outcome::ArticleChanged { id })
        }
        Request::ArticleStatus { id, to, seen } => {
            service::content::set_article_status(db, actor, &origin, id, to, seen).await?;
            Reply::Done(Outcome::ArticleChanged { id })
        }
        Request::Settings => Reply::Settings(store::settings::all(&mut c).await?),
        Request::UpdateSetting {
            group,
            name,
            payload,
        } => {
            let value: serde_json::Value =
                serde_json::from_str(payload.trim()).map_err(|e| ServiceError::Invalid {
                    field: "setting",
                    message: format!("not valid JSON: {e}"),
                })?;
            service::settings::update(db, actor, &origin, &group, &name, value).await?;
            Reply::Done(Outcome::SettingUpdated {
                key: format!("{group}.{name}"),
            })
        }
        Request::Ping => {
            db.ping().await?;
            Reply::Pong
        }
        Request::Approve { kind, id, seen } => {
            let out = service::commissions::approve(db, actor, &origin, kind, id, seen).await?;
            Reply::Done(Outcome::Approved {
                id,
                first_of_two: out == service::commissions::Approval::FirstOfTwo,
            })
        }
        Request::BulkApprove { kind, ids } => {
            let report = service::commissions::approve_many(db, actor, &origin, kind, &ids).await?;
            let approved = report.approved.len() + report.first_of_two.len();
            let skipped = report
                .skipped
                .into_iter()
                .map(|(id, e)| (id, super::messages::error_text(&e, actor.locale)))
                .collect();
            Reply::Done(Outcome::Bulk { approved, skipped })
        }
        Request::Reject {
            kind,
            id,
            reason,
            seen,
        } => {
            service::commissions::reject(db, actor, &origin, kind, id, &reason, seen).await?;
            Reply::Done(Outcome::Rejected { id })
        }
        Request::Pay {
            kind,
            id,
            reference,
            seen,
        } => {
            service::commissions::pay(db, actor, &origin, kind, id, &reference, seen).await?;
            Reply::Done(Outcome::Paid { id })
        }
        Request::AssignTicketToMe { id, seen } => {
            service::tickets::assign(db, actor, &origin, id, actor.id, seen).await?;
            Reply::Done(Outcome::Assigned { id })
        }
    })
}
