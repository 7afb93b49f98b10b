//! The details the screens show, each assembled from its queries in one place, for every
//! front end: a project with its commissions, reviews, conversation and developer; a
//! commission with its external shares; a ticket with its body and conversation; a developer's
//! coming weeks; a person with roles, projects, rating and sessions; a review.

use chrono::{Duration, NaiveDate};

use crate::domain::Permission;
use crate::service::{self, Actor, ServiceError};
use crate::store::audit::AuditRow;
use crate::store::commissions::{CommissionRow, Kind};
use crate::store::people::PersonRow;
use crate::store::projects::ProjectRow;
use crate::store::reviews::ReviewListRow;
use crate::store::tickets::TicketRow;
use crate::store::workload::{DeveloperRow, WorkloadLine};
use crate::store::{self, Anchor, Conn};

use super::workload::WEEKS;

type Result<T> = std::result::Result<T, ServiceError>;

#[derive(Clone, Debug, PartialEq)]
pub struct ProjectDetail {
    pub project: ProjectRow,
    pub commissions: Vec<CommissionRow>,
    pub history: Vec<AuditRow>,
    pub reviews: Vec<(crate::store::reviews::ReviewRow, String)>,
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
    /// How it was solved, while it is (`row.resolved_at` says when); None before and once
    /// reopened.
    pub resolution: Option<String>,
    pub history: Vec<AuditRow>,
    /// The thread, oldest first, internal notes included (staff only ever see this).
    pub messages: Vec<crate::store::messages::MessageRow>,
    /// The language the requester reads (canned replies are offered in it).
    pub requester_locale: crate::domain::Locale,
    /// The closed ticket this one follows up, and the follow-ups opened from it: (id, reference).
    pub follows: Option<(i64, String)>,
    pub follow_ups: Vec<(i64, String)>,
}

/// A person's whole record: profiles, roles and what they grant, projects, history.
#[derive(Clone, Debug, PartialEq)]
pub struct UserDetail {
    pub person: PersonRow,
    pub permissions: Vec<String>,
    pub projects: store::people::ProjectCounts,
    /// Visible reviews about this person and the sum of their ratings.
    pub rating: (i64, i64),
    pub history: Vec<AuditRow>,
    /// Live back-office sessions (shown to the person and to staff holding users.manage).
    pub sessions: Vec<store::access::SessionRow>,
    /// Live SSH keys (shown to the person and to staff holding users.manage).
    pub ssh_keys: Vec<store::ssh_keys::SshKeyRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReviewDetail {
    pub review: ReviewListRow,
    pub history: Vec<AuditRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArticleDetail {
    pub article: store::content::ArticleRow,
    pub history: Vec<AuditRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeveloperDetail {
    pub dev: DeveloperRow,
    pub from: NaiveDate,
    pub lines: Vec<WorkloadLine>,
}

pub async fn project(c: &mut impl Conn, id: i64) -> Result<ProjectDetail> {
    let project = store::projects::get(c, id)
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
        c,
        Kind::Platform,
        &filter,
        store::commissions::Sort::Newest,
        &Anchor::First,
        20,
    )
    .await?
    .rows;
    let history = store::audit::history(c, "project", id, 30).await?;
    let reviews = store::reviews::reviews_of_project(c, id).await?;
    let messages = match store::messages::conversation_of(c, "project", id).await? {
        Some(conv) => store::messages::latest(c, conv, 100, true).await?,
        None => Vec::new(),
    };
    let developer = match project.developer_id {
        Some(dev) => store::users::developer_profile(c, dev).await?,
        None => None,
    };
    Ok(ProjectDetail {
        project,
        commissions,
        history,
        reviews,
        messages,
        developer,
    })
}

pub async fn commission(c: &mut impl Conn, kind: Kind, id: i64) -> Result<CommissionDetail> {
    let row = crate::office::queue::get(c, kind, id).await?;
    let externals = match kind {
        Kind::Platform => store::commissions::externals_of_project(c, row.project_id).await?,
        Kind::External => Vec::new(),
    };
    let history = store::audit::history(c, kind.alias(), id, 30).await?;
    Ok(CommissionDetail {
        row,
        externals,
        history,
    })
}

/// A ticket with its body, its resolution once solved and its latest `messages` messages,
/// oldest first.
pub async fn ticket(c: &mut impl Conn, id: i64, messages: u64) -> Result<TicketDetail> {
    let row = store::tickets::get(c, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "ticket",
            key: id.to_string(),
        })?;
    let body = store::tickets::body(c, id).await?.unwrap_or_default();
    let resolution = match row.resolved_at {
        Some(_) => store::tickets::resolution(c, id).await?,
        None => None,
    };
    let history = store::audit::history(c, "support_ticket", id, 30).await?;
    let messages = match store::messages::conversation_of(c, "support_ticket", id).await? {
        Some(conv) => store::messages::latest(c, conv, messages, true).await?,
        None => Vec::new(),
    };
    let requester_locale = store::users::find(c, row.requester_id)
        .await?
        .map_or(crate::domain::Locale::Fr, |u| {
            crate::domain::Locale::from_tag(&u.locale)
        });
    let (follows, follow_ups) = store::tickets::follow_links(c, id).await?;
    Ok(TicketDetail {
        follows,
        follow_ups,
        row,
        body,
        resolution,
        history,
        messages,
        requester_locale,
    })
}

/// A developer's projects over the weeks shown from `from`.
pub async fn developer(c: &mut impl Conn, id: i64, from: NaiveDate) -> Result<DeveloperDetail> {
    let dev = store::workload::developer(c, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "developer",
            key: id.to_string(),
        })?;
    let lines = store::workload::lines(c, id, from, from + Duration::weeks(WEEKS as i64)).await?;
    Ok(DeveloperDetail { dev, from, lines })
}

/// A person as `viewer` may see them: their sessions only to themselves and to staff holding
/// users.manage.
pub async fn user(c: &mut impl Conn, viewer: &Actor, id: i64) -> Result<UserDetail> {
    let person = store::people::get(c, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "user",
            key: id.to_string(),
        })?;
    let permissions = store::users::permissions_of(c, id).await?;
    let projects = store::people::project_counts(c, id).await?;
    let rating = store::reviews::rating_of(c, id).await?;
    let history = store::audit::history(c, "user", id, 30).await?;
    let (sessions, ssh_keys) = if viewer.id == id || viewer.can(Permission::UsersManage) {
        let keys = store::ssh_keys::for_user(c, id).await?;
        (
            store::access::sessions_of(c, id, false, service::now(), 20).await?,
            keys.into_iter()
                .filter(|k| k.revoked_at.is_none())
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(UserDetail {
        person,
        permissions,
        projects,
        rating,
        history,
        sessions,
        ssh_keys,
    })
}

pub async fn review(c: &mut impl Conn, id: i64) -> Result<ReviewDetail> {
    let review = store::reviews::get(c, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "review",
            key: id.to_string(),
        })?;
    let history = store::audit::history(c, "review", id, 30).await?;
    Ok(ReviewDetail { review, history })
}

pub async fn article(c: &mut impl Conn, id: i64) -> Result<ArticleDetail> {
    let article = store::content::article(c, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "article",
            key: id.to_string(),
        })?;
    let history = store::audit::history(c, "article", id, 30).await?;
    Ok(ArticleDetail { article, history })
}
