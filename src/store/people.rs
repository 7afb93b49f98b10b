//! people: every user with their client and developer profiles and their roles, as the Users
//! view lists them (keyset both ways on 50k users), and one person's whole record.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Order, Query, SelectStatement};

use super::page::{Anchor, Cursor, Keyset, Page, SortDir, SortValue, contains_pattern, finish};
use super::users::USER_TYPE;
use super::{Conn, Result};

/// A client or developer profile (one user may hold both).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Profile {
    pub user_id: i64,
    /// `client` or `developer`.
    pub kind: String,
    pub display_name: String,
    pub company_name: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    #[sqlx(json)]
    pub skills: Vec<String>,
    pub hourly_rate: Option<i64>,
    pub hourly_rate_currency: Option<String>,
    pub availability: String,
    pub weekly_capacity_hours: i64,
    pub max_active_projects: i64,
    pub payout_method: Option<String>,
    pub payout_account: Option<String>,
}

/// A user as the Users view shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    /// The stored sort key of the name (`domain::text::sort_key`), which the list by name is
    /// ordered and continued on.
    pub name_key: String,
    pub email: String,
    pub phone: Option<String>,
    pub locale: String,
    pub created_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub roles: Vec<String>,
    pub client: Option<Profile>,
    pub developer: Option<Profile>,
}

impl PersonRow {
    /// The profile whose payout details count: the developer's (they are paid), else the client's.
    pub fn payout(&self) -> Option<&Profile> {
        self.developer
            .as_ref()
            .filter(|p| p.payout_method.is_some())
            .or(self.client.as_ref().filter(|p| p.payout_method.is_some()))
    }
}

#[derive(sqlx::FromRow)]
struct UserCols {
    id: i64,
    name: String,
    name_key: String,
    email: String,
    phone: Option<String>,
    locale: String,
    created_at: Option<DateTime<Utc>>,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// In French order: case, accents and punctuation ignored, then by id (`users.name_key`).
    #[default]
    Name,
    Newest,
}

impl Sort {
    fn keyset(self) -> Keyset {
        match self {
            Sort::Name => Keyset::by(
                Expr::col(("u", "name_key")),
                Expr::col(("u", "id")),
                SortDir::Asc,
            ),
            Sort::Newest => Keyset::by_id(Expr::col(("u", "id")), SortDir::Desc),
        }
    }
    pub fn cursor(self, row: &PersonRow) -> Cursor {
        let key = match self {
            Sort::Name => Some(SortValue::Text(row.name_key.clone())),
            Sort::Newest => None,
        };
        Cursor { key, id: row.id }
    }
}

/// Which people: a kind of profile, staff, a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Client,
    Developer,
    /// Holds any role other than client or developer.
    Staff,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// In the name or the email.
    pub text: Option<String>,
    pub kind: Option<Kind>,
    pub role: Option<String>,
    /// A developer availability (available, busy, unavailable).
    pub availability: Option<String>,
    pub payout_method: Option<String>,
    /// Soft-deleted accounts too (marked as such).
    pub include_deleted: bool,
}

fn has_profile(conds: Vec<Expr>) -> Expr {
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from_as("profiles", "pr")
        .and_where(Expr::col(("pr", "user_id")).equals(("u", "id")));
    for c in conds {
        q.and_where(c);
    }
    Expr::exists(q.to_owned())
}

/// Above this many holders, a role is matched by a subquery rather than a list of ids.
const FEW_HOLDERS: usize = 1000;

fn holders_of(roles: &[String]) -> SelectStatement {
    Query::select()
        .distinct()
        .column(("mr", "model_id"))
        .from_as("model_has_roles", "mr")
        .join_as(
            JoinType::InnerJoin,
            "roles",
            "ro",
            Expr::col(("ro", "id")).equals(("mr", "role_id")),
        )
        .and_where(Expr::col(("mr", "model_type")).eq(USER_TYPE))
        .and_where(Expr::col(("ro", "name")).is_in(roles.iter().map(String::as_str)))
        .to_owned()
}

/// Users holding one of `roles`. Staff roles are held by a handful of people among 50 k: they
/// are looked up first and matched by id, since neither planner can tell how rare a role is
/// and both would otherwise walk every user testing each. Common roles (client, developer)
/// keep the subquery, and the walk by name finds a page of them at once.
async fn holds_role(c: &mut impl Conn, roles: &[String]) -> Result<Expr> {
    let mut probe = holders_of(roles);
    probe.limit(FEW_HOLDERS as u64 + 1);
    let ids: Vec<(i64,)> = c.all(&probe).await?;
    Ok(if ids.len() <= FEW_HOLDERS {
        Expr::col(("u", "id")).is_in(ids.into_iter().map(|(id,)| id))
    } else {
        Expr::col(("u", "id")).in_subquery(holders_of(roles))
    })
}

/// The filter's conditions; role conditions first ask how many hold the role (`holds_role`).
async fn apply_filter(
    c: &mut impl Conn,
    q: &mut SelectStatement,
    f: &Filter,
    staff_roles: &[&str],
) -> Result<()> {
    if !f.include_deleted {
        q.and_where(Expr::col(("u", "deleted_at")).is_null());
    }
    if let Some(t) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(t)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("u", "name")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("u", "email"))).like(pattern)),
        );
    }
    match f.kind {
        Some(Kind::Client) => {
            q.and_where(has_profile(vec![Expr::col(("pr", "type")).eq("client")]));
        }
        Some(Kind::Developer) => {
            q.and_where(has_profile(vec![Expr::col(("pr", "type")).eq("developer")]));
        }
        Some(Kind::Staff) => {
            let staff: Vec<String> = staff_roles.iter().map(|r| (*r).to_owned()).collect();
            q.and_where(holds_role(c, &staff).await?);
        }
        None => {}
    }
    if let Some(role) = &f.role {
        q.and_where(holds_role(c, std::slice::from_ref(role)).await?);
    }
    if let Some(a) = &f.availability {
        q.and_where(has_profile(vec![
            Expr::col(("pr", "type")).eq("developer"),
            Expr::col(("pr", "availability")).eq(a.as_str()),
        ]));
    }
    if let Some(m) = &f.payout_method {
        q.and_where(has_profile(vec![
            Expr::col(("pr", "payout_method")).eq(m.as_str()),
        ]));
    }
    Ok(())
}

fn base() -> SelectStatement {
    Query::select()
        .columns([
            ("u", "id"),
            ("u", "name"),
            ("u", "name_key"),
            ("u", "email"),
            ("u", "phone"),
            ("u", "locale"),
            ("u", "created_at"),
            ("u", "deleted_at"),
        ])
        .from_as("users", "u")
        .to_owned()
}

/// A window of people; `staff_roles` are the role names that make someone staff.
pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    staff_roles: &[&str],
    sort: Sort,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<PersonRow>> {
    let mut q = base();
    apply_filter(c, &mut q, f, staff_roles).await?;
    sort.keyset().apply(&mut q, anchor, limit);
    let users: Vec<UserCols> = c.all(&q).await?;
    let page = finish(users, anchor, limit);
    let rows = complete(c, page.rows).await?;
    Ok(Page {
        rows,
        has_before: page.has_before,
        has_after: page.has_after,
    })
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<PersonRow>> {
    let mut q = base();
    q.and_where(Expr::col(("u", "id")).eq(id));
    let users: Vec<UserCols> = c.all(&q).await?;
    Ok(complete(c, users).await?.into_iter().next())
}

/// Adds profiles and roles to a window of users: two indexed queries for the whole window.
async fn complete(c: &mut impl Conn, users: Vec<UserCols>) -> Result<Vec<PersonRow>> {
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let profiles = Query::select()
        .columns([
            "user_id",
            "display_name",
            "company_name",
            "country",
            "city",
            "skills",
            "hourly_rate",
            "hourly_rate_currency",
            "availability",
            "weekly_capacity_hours",
            "max_active_projects",
            "payout_method",
            "payout_account",
        ])
        .expr_as(Expr::col("type"), "kind")
        .from("profiles")
        .and_where(Expr::col("user_id").is_in(ids.iter().copied()))
        .to_owned();
    let profiles: Vec<Profile> = c.all(&profiles).await?;
    let roles = Query::select()
        .column(("m", "model_id"))
        .column(("r", "name"))
        .from_as("model_has_roles", "m")
        .join_as(
            JoinType::InnerJoin,
            "roles",
            "r",
            Expr::col(("r", "id")).equals(("m", "role_id")),
        )
        .and_where(Expr::col(("m", "model_type")).eq(USER_TYPE))
        .and_where(Expr::col(("m", "model_id")).is_in(ids))
        .order_by(("r", "name"), Order::Asc)
        .to_owned();
    let roles: Vec<(i64, String)> = c.all(&roles).await?;
    let mut roles_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (user, role) in roles {
        roles_of.entry(user).or_default().push(role);
    }
    let mut profiles_of: HashMap<(i64, bool), Profile> = HashMap::new();
    for p in profiles {
        profiles_of.insert((p.user_id, p.kind == "developer"), p);
    }
    Ok(users
        .into_iter()
        .map(|u| PersonRow {
            roles: roles_of.remove(&u.id).unwrap_or_default(),
            client: profiles_of.remove(&(u.id, false)),
            developer: profiles_of.remove(&(u.id, true)),
            id: u.id,
            name: u.name,
            name_key: u.name_key,
            email: u.email,
            phone: u.phone,
            locale: u.locale,
            created_at: u.created_at,
            deleted_at: u.deleted_at,
        })
        .collect())
}

/// How many projects a person has per status, as client and as developer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectCounts {
    pub as_client: Vec<(String, i64)>,
    pub as_developer: Vec<(String, i64)>,
}

pub async fn project_counts(c: &mut impl Conn, user_id: i64) -> Result<ProjectCounts> {
    let by = |col: &'static str| {
        Query::select()
            .column("status")
            .expr(Expr::cust("COUNT(*)"))
            .from("projects")
            .and_where(Expr::col(col).eq(user_id))
            .and_where(Expr::col("deleted_at").is_null())
            .group_by_col("status")
            .order_by("status", Order::Asc)
            .to_owned()
    };
    Ok(ProjectCounts {
        as_client: c.all(&by("client_id")).await?,
        as_developer: c.all(&by("developer_id")).await?,
    })
}

/// Sets a developer's availability if it is still `expected`; false when it changed meanwhile.
pub async fn set_availability(
    tx: &mut super::Tx,
    user_id: i64,
    expected: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = Query::update()
        .table("profiles")
        .value("availability", to)
        .value("updated_at", now)
        .and_where(Expr::col("user_id").eq(user_id))
        .and_where(Expr::col("type").eq("developer"))
        .and_where(Expr::col("availability").eq(expected))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// Sets a developer's weekly capacity and maximum of active projects.
pub async fn set_capacity(
    tx: &mut super::Tx,
    user_id: i64,
    weekly_hours: i64,
    max_projects: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = Query::update()
        .table("profiles")
        .value("weekly_capacity_hours", weekly_hours)
        .value("max_active_projects", max_projects)
        .value("updated_at", now)
        .and_where(Expr::col("user_id").eq(user_id))
        .and_where(Expr::col("type").eq("developer"))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}
