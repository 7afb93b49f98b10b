//! workload: planned hours per developer per ISO week, and developer capacity.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement};

use super::page::{Anchor, Keyset, Page, SortDir, contains_pattern, finish};
use super::{Conn, Result, Tx, schema};

/// A developer as the workload grid shows them (one row of the grid, before the weeks).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DeveloperRow {
    pub id: i64,
    pub name: String,
    pub city: Option<String>,
    pub availability: String,
    pub weekly_capacity_hours: i64,
    pub max_active_projects: i64,
    pub active_projects: i64,
    /// The value the list is sorted on (0 when sorted by id).
    #[sqlx(default)]
    pub sort_key: i64,
}

const ACTIVE: &str = "('assigned', 'in_progress', 'delivered', 'revision_requested', 'disputed')";

/// Developers by id, filtered by name; the weeks are fetched for the visible window only.
/// How the workload grid orders developers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Id,
    /// Most planned hours in the first shown week first.
    Load,
    /// Most free hours (capacity minus planned) in the first shown week first.
    Free,
}

/// Planned hours of the row's developer (`u.id`) in the weeks `w.week_start` matches.
fn planned_hours(weeks: Expr) -> Expr {
    let q = Query::select()
        .expr(Func::coalesce([
            Expr::col(("w", "planned_hours")).sum(),
            Expr::val(0),
        ]))
        .from_as("workload", "w")
        .and_where(Expr::col(("w", "developer_id")).equals(("u", "id")))
        .and_where(weeks)
        .to_owned();
    Expr::SubQuery(None, Box::new(q.into()))
}

/// The sort key of a developer for `week` (planned hours or free hours). Composed rather than
/// written as SQL text: custom SQL placeholders differ between the backends (`?` / `$1`).
fn week_key(sort: Sort, week: NaiveDate) -> Option<Expr> {
    let planned = || planned_hours(Expr::col(("w", "week_start")).eq(week));
    match sort {
        Sort::Id => None,
        Sort::Load => Some(Func::cast_as(planned(), "BIGINT").into()),
        Sort::Free => Some(
            Func::cast_as(
                Expr::col(("pr", "weekly_capacity_hours")).sub(planned()),
                "BIGINT",
            )
            .into(),
        ),
    }
}

pub async fn developers(
    c: &mut impl Conn,
    text: Option<&str>,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<DeveloperRow>> {
    developers_sorted(c, text, Sort::Id, NaiveDate::MIN, anchor, limit).await
}

/// Developers in the grid's order; `sort_key` on each row is what the keyset continues from.
pub async fn developers_sorted(
    c: &mut impl Conn,
    text: Option<&str>,
    sort: Sort,
    week: NaiveDate,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<DeveloperRow>> {
    let mut q = developer_select(GRID);
    q.and_where(Expr::col(("u", "deleted_at")).is_null());
    if let Some(t) = text.filter(|t| !t.is_empty()) {
        q.and_where(
            Func::lower(Expr::col(("u", "name")))
                .like(LikeExpr::new(contains_pattern(t)).escape('\\')),
        );
    }
    let key = week_key(sort, week);
    q.expr_as(
        key.clone()
            .unwrap_or_else(|| Expr::cust("CAST(0 AS BIGINT)")),
        "sort_key",
    );
    let keyset = Keyset {
        key,
        id: Expr::col(("u", "id")),
        dir: if sort == Sort::Id {
            SortDir::Asc
        } else {
            SortDir::Desc
        },
        row_value: false,
    };
    keyset.apply(&mut q, anchor, limit);
    let rows = c.all(&q).await?;
    Ok(finish(rows, anchor, limit))
}

pub async fn developer(c: &mut impl Conn, id: i64) -> Result<Option<DeveloperRow>> {
    let mut q = developer_select(GRID);
    q.and_where(Expr::col(("u", "id")).eq(id));
    c.opt(&q).await
}

/// The profile columns of a row of the workload grid.
const GRID: [&str; 4] = [
    "city",
    "availability",
    "weekly_capacity_hours",
    "max_active_projects",
];

/// Developers (profiles `pr` of type developer, with their user `u`): id, name, these profile
/// columns and how many projects each has active.
fn developer_select(profile: [&'static str; 4]) -> SelectStatement {
    Query::select()
        .expr_as(Expr::col(("u", "id")), "id")
        .expr_as(Expr::col(("u", "name")), "name")
        .columns(profile.map(|col| ("pr", col)))
        .expr_as(
            Expr::cust(format!(
                "(SELECT COUNT(*) FROM projects p WHERE p.developer_id = u.id \
                 AND p.status IN {ACTIVE} AND p.deleted_at IS NULL)"
            )),
            "active_projects",
        )
        .from_as("profiles", "pr")
        .join_as(
            JoinType::InnerJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("pr", "user_id")),
        )
        .and_where(Expr::col(("pr", "type")).eq("developer"))
        .to_owned()
}

/// Planned hours per (developer, week) for these developers over [from, to).
pub async fn planned(
    c: &mut impl Conn,
    developer_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, NaiveDate, i64)>> {
    if developer_ids.is_empty() {
        return Ok(Vec::new());
    }
    let q = Query::select()
        .columns(["developer_id", "week_start"])
        .expr(Expr::cust("CAST(SUM(planned_hours) AS BIGINT)"))
        .from("workload")
        .and_where(Expr::col("developer_id").is_in(developer_ids.iter().copied()))
        .and_where(Expr::col("week_start").gte(from))
        .and_where(Expr::col("week_start").lt(to))
        .group_by_columns(["developer_id", "week_start"])
        .to_owned();
    c.all(&q).await
}

/// One workload line: a developer's hours on one project in one week.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct WorkloadLine {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub week_start: NaiveDate,
    pub planned_hours: i64,
    pub logged_hours: i64,
}

pub async fn lines(
    c: &mut impl Conn,
    developer_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<WorkloadLine>> {
    let q = Query::select()
        .columns([
            ("w", "id"),
            ("w", "project_id"),
            ("w", "week_start"),
            ("w", "planned_hours"),
            ("w", "logged_hours"),
        ])
        .expr_as(Expr::col(("p", "title")), "project_title")
        .from_as("workload", "w")
        .join_as(
            JoinType::InnerJoin,
            "projects",
            "p",
            Expr::col(("p", "id")).equals(("w", "project_id")),
        )
        .and_where(Expr::col(("w", "developer_id")).eq(developer_id))
        .and_where(Expr::col(("w", "week_start")).gte(from))
        .and_where(Expr::col(("w", "week_start")).lt(to))
        .order_by(("w", "week_start"), sea_query::Order::Asc)
        .order_by(("w", "project_id"), sea_query::Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Adds (or raises) planned hours for a developer on a project in a week.
pub async fn add_planned(
    tx: &mut Tx,
    developer_id: i64,
    project_id: i64,
    week: NaiveDate,
    hours: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let update = Query::update()
        .table("workload")
        .value("planned_hours", Expr::col("planned_hours").add(hours))
        .value("updated_at", now)
        .and_where(Expr::col("developer_id").eq(developer_id))
        .and_where(Expr::col("project_id").eq(project_id))
        .and_where(Expr::col("week_start").eq(week))
        .to_owned();
    if tx.exec(&update).await? == 0 {
        let insert = schema::WORKLOAD.insert_new(
            now,
            [
                ("developer_id", developer_id.into()),
                ("project_id", project_id.into()),
                ("week_start", week.into()),
                ("planned_hours", hours.into()),
                ("logged_hours", 0i64.into()),
            ],
        );
        tx.exec(&insert).await?;
    }
    Ok(())
}

/// A developer who could take a project, with their booked hours over its weeks.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub availability: String,
    pub weekly_capacity_hours: i64,
    pub max_active_projects: i64,
    pub active_projects: i64,
    #[sqlx(json)]
    pub skills: Vec<String>,
    pub booked: i64,
    pub free: i64,
}

/// Developers ranked by free capacity over [from, to) (`weeks` weeks), most free first;
/// unavailable developers and the client are left out.
pub async fn candidates(
    c: &mut impl Conn,
    client_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    weeks: i64,
    limit: u64,
) -> Result<Vec<Candidate>> {
    let booked = || {
        planned_hours(
            Expr::col(("w", "week_start"))
                .gte(from)
                .and(Expr::col(("w", "week_start")).lt(to)),
        )
    };
    let profile = [
        "availability",
        "weekly_capacity_hours",
        "max_active_projects",
        "skills",
    ];
    let q = developer_select(profile)
        .expr_as(Func::cast_as(booked(), "BIGINT"), "booked")
        .expr_as(
            Func::cast_as(
                Expr::col(("pr", "weekly_capacity_hours"))
                    .mul(weeks)
                    .sub(booked()),
                "BIGINT",
            ),
            "free",
        )
        .and_where(Expr::col(("pr", "availability")).ne("unavailable"))
        .and_where(Expr::col(("u", "id")).ne(client_id))
        .and_where(Expr::col(("u", "deleted_at")).is_null())
        .order_by("free", sea_query::Order::Desc)
        // At equal free hours, the available before the busy.
        .order_by(("pr", "availability"), sea_query::Order::Asc)
        .order_by(("u", "id"), sea_query::Order::Asc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}

/// Locks a developer's profile row until the transaction ends, so that two writers checking
/// the same developer's capacity take turns (PostgreSQL `FOR UPDATE`; SQLite write
/// transactions already run one at a time). Returns false when there is no such developer.
pub async fn lock_developer(tx: &mut Tx, developer_id: i64) -> Result<bool> {
    let q = Query::select()
        .column("id")
        .from("profiles")
        .and_where(Expr::col("user_id").eq(developer_id))
        .and_where(Expr::col("type").eq("developer"))
        .lock(sea_query::LockType::Update)
        .to_owned();
    Ok(tx.opt::<(i64,)>(&q).await?.is_some())
}
