//! projects: filtered keyset lists, detail, and compare-and-set status/assignment changes.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement, Value};

use super::page::{Anchor, Cursor, Keyset, Page, SortDir, SortValue, contains_pattern, finish};
use super::{Conn, Result, Tx, schema};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ProjectRow {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub client_id: i64,
    pub client_name: String,
    pub developer_id: Option<i64>,
    pub developer_name: Option<String>,
    pub status: String,
    pub budget_amount: i64,
    pub agreed_amount: Option<i64>,
    pub currency: String,
    pub estimated_hours: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub lock_version: i64,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The skills the work needs.
    #[sqlx(json)]
    pub skills: Vec<String>,
}

fn base() -> SelectStatement {
    let mut q = Query::select()
        .columns([
            ("p", "id"),
            ("p", "title"),
            ("p", "slug"),
            ("p", "client_id"),
            ("p", "developer_id"),
            ("p", "status"),
            ("p", "budget_amount"),
            ("p", "agreed_amount"),
            ("p", "currency"),
            ("p", "estimated_hours"),
            ("p", "starts_on"),
            ("p", "deadline_at"),
            ("p", "assigned_at"),
            ("p", "started_at"),
            ("p", "delivered_at"),
            ("p", "completed_at"),
            ("p", "lock_version"),
            ("p", "created_at"),
            ("p", "updated_at"),
            ("p", "skills"),
        ])
        .expr_as(Expr::col(("cl", "name")), "client_name")
        .expr_as(Expr::col(("dv", "name")), "developer_name")
        .from_as("projects", "p")
        .and_where(Expr::col(("p", "deleted_at")).is_null())
        .to_owned();
    join_parties(&mut q);
    q
}

/// Joins the client (`cl`) and, once assigned, the developer (`dv`) of the project `p`.
pub(super) fn join_parties(q: &mut SelectStatement) {
    q.join_as(
        JoinType::InnerJoin,
        "users",
        "cl",
        Expr::col(("cl", "id")).equals(("p", "client_id")),
    )
    .join_as(
        JoinType::LeftJoin,
        "users",
        "dv",
        Expr::col(("dv", "id")).equals(("p", "developer_id")),
    );
}

/// Joins the project (`p`) that `alias.project_id` names, with its parties, and reads what a
/// money record's row shows of them: `project_title`, `project_status`, `client_id`,
/// `developer_id`, `client_name` and `developer_name`.
pub(super) fn with_project(q: &mut SelectStatement, alias: &'static str) {
    q.expr_as(Expr::col(("p", "title")), "project_title")
        .expr_as(Expr::col(("p", "status")), "project_status")
        .expr_as(Expr::col(("p", "client_id")), "client_id")
        .expr_as(Expr::col(("p", "developer_id")), "developer_id")
        .expr_as(Expr::col(("cl", "name")), "client_name")
        .expr_as(Expr::col(("dv", "name")), "developer_name")
        .join_as(
            JoinType::InnerJoin,
            "projects",
            "p",
            Expr::col(("p", "id")).equals((alias, "project_id")),
        );
    join_parties(q);
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Newest,
    Deadline,
    Budget,
}

impl Sort {
    fn keyset(self) -> Keyset {
        let id = Expr::col(("p", "id"));
        match self {
            Sort::Newest => Keyset::by_id(id, SortDir::Desc),
            Sort::Deadline => Keyset::by(Expr::col(("p", "deadline_at")), id, SortDir::Asc),
            Sort::Budget => Keyset::by(Expr::col(("p", "budget_amount")), id, SortDir::Desc),
        }
    }
    pub fn cursor(self, row: &ProjectRow) -> Cursor {
        let key = match self {
            Sort::Newest => None,
            Sort::Deadline => row.deadline_at.map(SortValue::Time),
            Sort::Budget => Some(SortValue::Int(row.budget_amount)),
        };
        Cursor { key, id: row.id }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub statuses: Vec<String>,
    pub text: Option<String>,
    pub client: Option<String>,
    pub developer: Option<String>,
    pub developer_id: Option<i64>,
    pub client_id: Option<i64>,
    /// Projects this person is a party to: their client or their developer.
    pub party_id: Option<i64>,
    pub currency: Option<String>,
    /// Active projects whose deadline is before this instant.
    pub overdue_at: Option<DateTime<Utc>>,
}

fn name_like(alias: &'static str, text: &str) -> Expr {
    Func::lower(Expr::col((alias, "name"))).like(LikeExpr::new(contains_pattern(text)).escape('\\'))
}

fn apply_filter(q: &mut SelectStatement, f: &Filter) {
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("p", "status")).is_in(f.statuses.iter().map(String::as_str)));
    }
    if let Some(t) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(t)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("p", "title")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("p", "slug"))).like(pattern)),
        );
    }
    if let Some(t) = f.client.as_deref().filter(|t| !t.is_empty()) {
        q.and_where(name_like("cl", t));
    }
    if let Some(t) = f.developer.as_deref().filter(|t| !t.is_empty()) {
        q.and_where(name_like("dv", t));
    }
    if let Some(id) = f.developer_id {
        q.and_where(Expr::col(("p", "developer_id")).eq(id));
    }
    if let Some(id) = f.party_id {
        q.and_where(
            Expr::col(("p", "client_id"))
                .eq(id)
                .or(Expr::col(("p", "developer_id")).eq(id)),
        );
    }
    if let Some(id) = f.client_id {
        q.and_where(Expr::col(("p", "client_id")).eq(id));
    }
    if let Some(c) = &f.currency {
        q.and_where(Expr::col(("p", "currency")).eq(c.as_str()));
    }
    if let Some(at) = f.overdue_at {
        q.and_where(Expr::col(("p", "deadline_at")).lt(at))
            .and_where(Expr::col(("p", "status")).is_in([
                "assigned",
                "in_progress",
                "delivered",
                "revision_requested",
                "disputed",
            ]));
    }
}

pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    sort: Sort,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<ProjectRow>> {
    let mut q = base();
    apply_filter(&mut q, f);
    if sort == Sort::Deadline {
        // NULL deadlines cannot take part in a keyset comparison.
        q.and_where(Expr::col(("p", "deadline_at")).is_not_null());
    }
    sort.keyset().apply(&mut q, anchor, limit);
    let rows = c.all(&q).await?;
    Ok(finish(rows, anchor, limit))
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<ProjectRow>> {
    let mut q = base();
    q.and_where(Expr::col(("p", "id")).eq(id));
    c.opt(&q).await
}

/// Compare-and-set on status + lock_version (see commissions::cas_update).
pub async fn cas_update(
    tx: &mut Tx,
    id: i64,
    expected_status: &str,
    lock_version: i64,
    values: Vec<(&'static str, Value)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = schema::PROJECTS
        .cas_update(id, lock_version, values, now)
        .and_where(Expr::col("status").eq(expected_status))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// How many active projects a developer has (for the max-active-projects rule).
pub async fn active_count(c: &mut impl Conn, developer_id: i64) -> Result<i64> {
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from("projects")
        .and_where(Expr::col("developer_id").eq(developer_id))
        .and_where(Expr::col("status").is_in([
            "assigned",
            "in_progress",
            "delivered",
            "revision_requested",
            "disputed",
        ]))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned();
    Ok(c.one::<(i64,)>(&q).await?.0)
}

pub async fn slug_exists(c: &mut impl Conn, slug: &str) -> Result<bool> {
    let q = Query::select()
        .expr(Expr::val(1))
        .from("projects")
        .and_where(Expr::col("slug").eq(slug))
        .to_owned();
    Ok(c.opt::<(i32,)>(&q).await?.is_some())
}

pub struct NewProject<'a> {
    pub client_id: i64,
    pub title: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
    pub budget_amount: i64,
    pub currency: &'a str,
    pub estimated_hours: Option<i64>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, p: &NewProject<'_>) -> Result<i64> {
    let q = schema::PROJECTS.insert_new(
        p.now,
        [
            ("client_id", p.client_id.into()),
            ("title", p.title.into()),
            ("slug", p.slug.into()),
            ("description", p.description.into()),
            ("budget_amount", p.budget_amount.into()),
            ("currency", p.currency.into()),
            ("status", "draft".into()),
            ("estimated_hours", p.estimated_hours.into()),
            ("deadline_at", p.deadline_at.into()),
        ],
    );
    tx.insert_id(&q).await
}
