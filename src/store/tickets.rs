//! support_tickets: the triage queue and compare-and-set changes.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement, Value};

use super::page::{Anchor, Cursor, Keyset, Page, SortDir, SortValue, contains_pattern, finish};
use super::{Conn, Result, Tx};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TicketRow {
    pub id: i64,
    pub reference: String,
    pub requester_id: i64,
    pub requester_name: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub project_id: Option<i64>,
    pub subject: String,
    pub category: String,
    pub priority: String,
    pub status: String,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub paused_seconds: i64,
    pub paused_since: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub lock_version: i64,
    pub created_at: Option<DateTime<Utc>>,
}

fn base() -> SelectStatement {
    Query::select()
        .columns([
            ("t", "id"),
            ("t", "reference"),
            ("t", "requester_id"),
            ("t", "assignee_id"),
            ("t", "project_id"),
            ("t", "subject"),
            ("t", "category"),
            ("t", "priority"),
            ("t", "status"),
            ("t", "first_response_due_at"),
            ("t", "first_responded_at"),
            ("t", "resolution_due_at"),
            ("t", "resolved_at"),
            ("t", "paused_seconds"),
            ("t", "paused_since"),
            ("t", "last_activity_at"),
            ("t", "lock_version"),
            ("t", "created_at"),
        ])
        .expr_as(Expr::col(("rq", "name")), "requester_name")
        .expr_as(Expr::col(("asg", "name")), "assignee_name")
        .from_as("support_tickets", "t")
        .join_as(
            JoinType::InnerJoin,
            "users",
            "rq",
            Expr::col(("rq", "id")).equals(("t", "requester_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "users",
            "asg",
            Expr::col(("asg", "id")).equals(("t", "assignee_id")),
        )
        .to_owned()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Soonest resolution deadline first: breached, then about to breach.
    #[default]
    Due,
    Newest,
    Oldest,
}

impl Sort {
    fn keyset(self) -> Keyset {
        let id = Expr::col(("t", "id"));
        match self {
            Sort::Due => Keyset {
                key: Some(Expr::col(("t", "resolution_due_at"))),
                id,
                dir: SortDir::Asc,
            },
            Sort::Newest => Keyset {
                key: None,
                id,
                dir: SortDir::Desc,
            },
            Sort::Oldest => Keyset {
                key: None,
                id,
                dir: SortDir::Asc,
            },
        }
    }
    pub fn cursor(self, row: &TicketRow) -> Cursor {
        let key = match self {
            Sort::Due => row.resolution_due_at.map(SortValue::Time),
            Sort::Newest | Sort::Oldest => None,
        };
        Cursor { key, id: row.id }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub statuses: Vec<String>,
    pub priorities: Vec<String>,
    pub category: Option<String>,
    pub assignee_id: Option<i64>,
    pub unassigned: bool,
    /// Open tickets whose resolution deadline passed before this instant.
    pub breached_at: Option<DateTime<Utc>>,
    /// Part of the reference, subject or requester name.
    pub text: Option<String>,
}

fn apply_filter(q: &mut SelectStatement, f: &Filter) {
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("t", "status")).is_in(f.statuses.iter().map(String::as_str)));
    }
    if !f.priorities.is_empty() {
        q.and_where(Expr::col(("t", "priority")).is_in(f.priorities.iter().map(String::as_str)));
    }
    if let Some(c) = &f.category {
        q.and_where(Expr::col(("t", "category")).eq(c.as_str()));
    }
    if let Some(a) = f.assignee_id {
        q.and_where(Expr::col(("t", "assignee_id")).eq(a));
    }
    if f.unassigned {
        q.and_where(Expr::col(("t", "assignee_id")).is_null());
    }
    if let Some(at) = f.breached_at {
        q.and_where(Expr::col(("t", "resolution_due_at")).lt(at))
            .and_where(Expr::col(("t", "status")).is_in(["new", "open", "on_hold"]));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(text)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("t", "reference")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("t", "subject"))).like(pattern.clone()))
                .or(Func::lower(Expr::col(("rq", "name"))).like(pattern)),
        );
    }
}

pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    sort: Sort,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<TicketRow>> {
    let mut q = base();
    apply_filter(&mut q, f);
    sort.keyset().apply(&mut q, anchor, limit);
    let rows = c.all(&q).await?;
    Ok(finish(rows, anchor, limit))
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<TicketRow>> {
    let mut q = base();
    q.and_where(Expr::col(("t", "id")).eq(id));
    c.opt(&q).await
}

pub async fn get_by_reference(c: &mut impl Conn, reference: &str) -> Result<Option<TicketRow>> {
    let mut q = base();
    q.and_where(Expr::col(("t", "reference")).eq(reference.trim().to_uppercase()));
    c.opt(&q).await
}

/// The ticket's body (kept out of list rows: it can be large).
pub async fn body(c: &mut impl Conn, id: i64) -> Result<Option<String>> {
    let q = Query::select()
        .column("body")
        .from("support_tickets")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    Ok(c.opt::<(String,)>(&q).await?.map(|r| r.0))
}

pub async fn cas_update(
    tx: &mut Tx,
    id: i64,
    lock_version: i64,
    values: Vec<(&'static str, Value)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut q = Query::update();
    q.table("support_tickets")
        .values(values.into_iter().map(|(c, v)| (c, Expr::val(v))))
        .value("updated_at", now)
        .value("last_activity_at", now)
        .value("lock_version", Expr::col("lock_version").add(1))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("lock_version").eq(lock_version));
    Ok(tx.exec(&q).await? == 1)
}
