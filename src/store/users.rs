//! Users, their profiles, spatie roles/permissions and remembered back-office logins.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, Order, Query};

use super::{Conn, Db, Result, Tx, schema};
use crate::domain::text::sort_key;

/// Morph alias used in `model_type` / `notifiable_type` / `user_type` columns.
pub const USER_TYPE: &str = "user";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub password: String,
    pub phone: Option<String>,
    pub locale: String,
    pub timezone: String,
    pub created_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

const USER_COLS: [&str; 9] = [
    "id",
    "name",
    "email",
    "password",
    "phone",
    "locale",
    "timezone",
    "created_at",
    "deleted_at",
];

pub async fn find(c: &mut impl Conn, id: i64) -> Result<Option<UserRow>> {
    let q = Query::select()
        .columns(USER_COLS)
        .from("users")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    c.opt(&q).await
}

pub async fn find_by_email(c: &mut impl Conn, email: &str) -> Result<Option<UserRow>> {
    let q = Query::select()
        .columns(USER_COLS)
        .from("users")
        .and_where(Func::lower(Expr::col("email")).eq(email.trim().to_lowercase()))
        .to_owned();
    c.opt(&q).await
}

/// Role names held by a user (spatie `model_has_roles`).
pub async fn roles_of(c: &mut impl Conn, user_id: i64) -> Result<Vec<String>> {
    let q = Query::select()
        .column(("roles", "name"))
        .from("model_has_roles")
        .inner_join(
            "roles",
            Expr::col(("roles", "id")).equals(("model_has_roles", "role_id")),
        )
        .and_where(Expr::col(("model_has_roles", "model_type")).eq(USER_TYPE))
        .and_where(Expr::col(("model_has_roles", "model_id")).eq(user_id))
        .order_by(("roles", "name"), Order::Asc)
        .to_owned();
    let rows: Vec<(String,)> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Permission names a user holds through roles or directly.
pub async fn permissions_of(c: &mut impl Conn, user_id: i64) -> Result<Vec<String>> {
    let via_roles = Query::select()
        .column(("permissions", "name"))
        .from("model_has_roles")
        .inner_join(
            "role_has_permissions",
            Expr::col(("role_has_permissions", "role_id")).equals(("model_has_roles", "role_id")),
        )
        .inner_join(
            "permissions",
            Expr::col(("permissions", "id")).equals(("role_has_permissions", "permission_id")),
        )
        .and_where(Expr::col(("model_has_roles", "model_type")).eq(USER_TYPE))
        .and_where(Expr::col(("model_has_roles", "model_id")).eq(user_id))
        .to_owned();
    let direct = Query::select()
        .column(("permissions", "name"))
        .from("model_has_permissions")
        .inner_join(
            "permissions",
            Expr::col(("permissions", "id")).equals(("model_has_permissions", "permission_id")),
        )
        .and_where(Expr::col(("model_has_permissions", "model_type")).eq(USER_TYPE))
        .and_where(Expr::col(("model_has_permissions", "model_id")).eq(user_id))
        .to_owned();
    let mut names: Vec<String> = c
        .all::<(String,)>(&via_roles)
        .await?
        .into_iter()
        .chain(c.all::<(String,)>(&direct).await?)
        .map(|r| r.0)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub phone: Option<&'a str>,
    pub locale: &'a str,
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, u: &NewUser<'_>) -> Result<i64> {
    let q = schema::USERS.insert_new(
        u.now,
        [
            ("name", u.name.into()),
            ("name_key", sort_key(u.name).into()),
            ("email", u.email.trim().to_lowercase().into()),
            ("password", u.password_hash.into()),
            ("phone", u.phone.map(str::to_owned).into()),
            ("locale", u.locale.into()),
            ("email_verified_at", u.now.into()),
        ],
    );
    tx.insert_id(&q).await
}

pub async fn set_password(
    tx: &mut Tx,
    user_id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let q = Query::update()
        .table("users")
        .values([("password", hash.into()), ("updated_at", now.into())])
        .and_where(Expr::col("id").eq(user_id))
        .to_owned();
    tx.exec(&q).await
}

pub async fn role_id(c: &mut impl Conn, name: &str) -> Result<Option<i64>> {
    let q = Query::select()
        .column("id")
        .from("roles")
        .and_where(Expr::col("name").eq(name))
        .and_where(Expr::col("guard_name").eq("web"))
        .to_owned();
    Ok(c.opt::<(i64,)>(&q).await?.map(|r| r.0))
}

/// Grants a role; returns false when the user already had it.
pub async fn grant_role(tx: &mut Tx, user_id: i64, role_id: i64) -> Result<bool> {
    let exists = Query::select()
        .expr(Expr::val(1))
        .from("model_has_roles")
        .and_where(Expr::col("role_id").eq(role_id))
        .and_where(Expr::col("model_type").eq(USER_TYPE))
        .and_where(Expr::col("model_id").eq(user_id))
        .to_owned();
    if tx.opt::<(i32,)>(&exists).await?.is_some() {
        return Ok(false);
    }
    let q = schema::MODEL_HAS_ROLES.insert([
        ("role_id", role_id.into()),
        ("model_type", USER_TYPE.into()),
        ("model_id", user_id.into()),
    ]);
    tx.exec(&q).await?;
    Ok(true)
}

pub async fn revoke_role(tx: &mut Tx, user_id: i64, role_id: i64) -> Result<bool> {
    let q = Query::delete()
        .from_table("model_has_roles")
        .and_where(Expr::col("role_id").eq(role_id))
        .and_where(Expr::col("model_type").eq(USER_TYPE))
        .and_where(Expr::col("model_id").eq(user_id))
        .to_owned();
    Ok(tx.exec(&q).await? > 0)
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DeveloperProfile {
    pub user_id: i64,
    pub display_name: String,
    pub city: Option<String>,
    #[sqlx(json)]
    pub skills: Vec<String>,
    pub availability: String,
    pub weekly_capacity_hours: i64,
    pub max_active_projects: i64,
}

pub async fn developer_profile(
    c: &mut impl Conn,
    user_id: i64,
) -> Result<Option<DeveloperProfile>> {
    let q = Query::select()
        .columns([
            "user_id",
            "display_name",
            "city",
            "skills",
            "availability",
            "weekly_capacity_hours",
            "max_active_projects",
        ])
        .from("profiles")
        .and_where(Expr::col("user_id").eq(user_id))
        .and_where(Expr::col("type").eq("developer"))
        .to_owned();
    c.opt(&q).await
}

/// Display names for a set of user ids (for lists that show people by name).
pub async fn names(c: &mut impl Conn, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let q = Query::select()
        .columns(["id", "name"])
        .from("users")
        .and_where(Expr::col("id").is_in(ids.iter().copied()))
        .to_owned();
    c.all(&q).await
}

/// How many open tickets (neither solved nor closed) each of `ids` is assigned: (id, count).
pub async fn open_tickets(c: &mut impl Conn, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let q = Query::select()
        .column("assignee_id")
        .expr(Expr::cust("CAST(COUNT(*) AS BIGINT)"))
        .from("support_tickets")
        .and_where(Expr::col("assignee_id").is_in(ids.iter().copied()))
        .and_where(Expr::col("status").is_not_in(["solved", "closed"]))
        .group_by_col("assignee_id")
        .to_owned();
    c.all(&q).await
}

/// Staff members (users holding a staff role), for pickers: (id, name, email), by name.
pub async fn staff(c: &mut impl Conn, staff_roles: &[&str]) -> Result<Vec<(i64, String, String)>> {
    let holders = Query::select()
        .column(("model_has_roles", "model_id"))
        .from("model_has_roles")
        .inner_join(
            "roles",
            Expr::col(("roles", "id")).equals(("model_has_roles", "role_id")),
        )
        .and_where(Expr::col(("model_has_roles", "model_type")).eq(USER_TYPE))
        .and_where(Expr::col(("roles", "name")).is_in(staff_roles.iter().copied()))
        .to_owned();
    let q = Query::select()
        .columns(["id", "name", "email"])
        .from("users")
        .and_where(Expr::col("id").in_subquery(holders))
        .and_where(Expr::col("deleted_at").is_null())
        .order_by("name_key", Order::Asc)
        .order_by("id", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Users read per batch by [`refresh_name_keys`].
const KEY_BATCH: u64 = 1000;
/// Users corrected per statement by [`refresh_name_keys`] (four parameters each).
const KEY_UPDATES: usize = 250;

/// Brings every user's stored sort key (`name_key`) in line with [`sort_key`] of their name:
/// fills the column when migration 0023 adds it, and corrects rows another program wrote or
/// renamed without it. Idempotent (a second run changes nothing); a row whose name changed
/// meanwhile is left to its writer. Returns how many rows were rewritten.
pub async fn refresh_name_keys(db: &Db) -> Result<u64> {
    let mut corrected = 0;
    let mut after = 0i64;
    loop {
        let q = Query::select()
            .columns(["id", "name", "name_key"])
            .from("users")
            .and_where(Expr::col("id").gt(after))
            .order_by("id", Order::Asc)
            .limit(KEY_BATCH)
            .to_owned();
        let rows: Vec<(i64, String, String)> = db.clone().all(&q).await?;
        let Some(&(last, _, _)) = rows.last() else {
            break;
        };
        after = last;
        let stale: Vec<KeyedName> = rows
            .into_iter()
            .filter_map(|(id, name, stored)| {
                let key = sort_key(&name);
                (key != stored).then_some((id, name, key))
            })
            .collect();
        if !stale.is_empty() {
            let mut tx = db.begin().await?;
            for chunk in stale.chunks(KEY_UPDATES) {
                if let Some((first, rest)) = chunk.split_first() {
                    corrected += tx.exec(&key_update(first, rest)).await?;
                }
            }
            tx.commit().await?;
        }
    }
    Ok(corrected)
}

/// A user's id, name and the sort key computed from that name.
type KeyedName = (i64, String, String);

/// `UPDATE users SET name_key = CASE WHEN id = ? AND name = ? THEN ? ... ELSE name_key END`
/// for these rows: only rows whose name is still the one their key was computed from change.
fn key_update(first: &KeyedName, rest: &[KeyedName]) -> sea_query::UpdateStatement {
    let when = |(id, name, _): &KeyedName| {
        Expr::col("id")
            .eq(*id)
            .and(Expr::col("name").eq(name.as_str()))
    };
    let case = rest
        .iter()
        .fold(Expr::case(when(first), first.2.as_str()), |case, row| {
            case.case(when(row), row.2.as_str())
        });
    Query::update()
        .table("users")
        .value("name_key", case.finally(Expr::col("name_key")))
        .and_where(Expr::col("id").is_in(std::iter::once(first).chain(rest).map(|r| r.0)))
        .to_owned()
}
