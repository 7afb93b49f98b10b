//! projects: filtered keyset lists, detail, and compare-and-set status/assignment changes.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement, Value};

use super::page::{Anchor, Cursor, Keyset, Page, SortDir, SortValue, contains_pattern, finish};
use super::{Conn, Result, Tx};

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
    Query::select()
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
        .join_as(
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
        )
        .and_where(Expr::col(("p", "deleted_at")).is_null())
        .to_owned()
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
        match self {
            Sort::Newest => Keyset {
                key: None,
                id: Expr::col(("p", "id")),
                dir: SortDir::Desc,
            },
            Sort::Deadline => Keyset {
                key: Some(Expr::col(("p", "deadline_at"))),
                id: Expr::col(("p", "id")),
                dir: SortDir::Asc,
            },
            Sort::Budget => Keyset {
                key: Some(Expr::col(("p", "budget_amount"))),
                id: Expr::col(("p", "id")),
                dir: SortDir::Desc,
            },
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
    let mut q = Query::update();
    q.table("projects")
        .values(values.into_iter().map(|(c, v)| (c, Expr::val(v))))
        .value("updated_at", now)
        .value("lock_version", Expr::col("lock_version").add(1))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("status").eq(expected_status))
        .and_where(Expr::col("lock_version").eq(lock_version));
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
    let q = Query::insert()
        .into_table("projects")
        .columns([
            "client_id",
            "title",
            "slug",
            "description",
            "budget_amount",
            "currency",
            "status",
            "estimated_hours",
            "deadline_at",
            "created_at",
            "updated_at",
        ])
        .values_panic([
            p.client_id.into(),
            p.title.into(),
            p.slug.into(),
            p.description.into(),
            p.budget_amount.into(),
            p.currency.into(),
            "draft".into(),
            p.estimated_hours.into(),
            p.deadline_at.into(),
            p.now.into(),
            p.now.into(),
        ])
        .to_owned();
    tx.insert_id(&q).await
}
