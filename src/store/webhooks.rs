//! webhook_endpoints: partners' URLs, what they subscribed to, their signing secrets (the
//! previous one kept through a rotation's overlap), status and failure streak; and the
//! fan-out of each outbox event to the endpoints subscribed to its type.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement};

use crate::domain::webhook::TEST_EVENT;

use super::page::{Anchor, Keyset, Page, SortDir, contains_pattern, finish};
use super::users::USER_TYPE;
use super::{Backend, Conn, Result, Tx, schema};

/// The audit log's name for an endpoint.
pub const SUBJECT: &str = "webhook_endpoint";

/// An endpoint as lists and details show it (never its secrets).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct EndpointRow {
    pub id: i64,
    pub url: String,
    pub description: Option<String>,
    #[sqlx(json)]
    pub event_types: Vec<String>,
    /// active | paused | disabled.
    pub status: String,
    /// Why it was disabled: `gone` (410), `failing` (the whole schedule failed), `manual`.
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// Consecutive failed attempts; a success resets it.
    pub failure_streak: i64,
    /// Row version for compare-and-set edits.
    pub version: i64,
    /// Until when the secret before the last rotation still signs (None: no overlap).
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

fn select() -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "url",
            "description",
            "event_types",
            "status",
            "disabled_reason",
            "disabled_at",
            "failure_streak",
            "version",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ])
        .from("webhook_endpoints")
        .to_owned()
}

/// Which endpoints a list shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub statuses: Vec<String>,
    /// Part of the URL or description.
    pub text: Option<String>,
}

/// Endpoints, newest first.
pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<EndpointRow>> {
    let mut q = select();
    if !f.statuses.is_empty() {
        q.and_where(Expr::col("status").is_in(f.statuses.iter().map(String::as_str)));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(text)).escape('\\');
        q.and_where(
            Func::lower(Expr::col("url"))
                .like(pattern.clone())
                .or(Func::lower(Expr::col("description")).like(pattern)),
        );
    }
    Keyset::by_id(Expr::col("id"), SortDir::Desc).apply(&mut q, anchor, limit);
    Ok(finish(c.all(&q).await?, anchor, limit))
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<EndpointRow>> {
    let q = select().and_where(Expr::col("id").eq(id)).to_owned();
    c.opt(&q).await
}

/// An endpoint's signing secrets: (current, previous, until when the previous one signs).
pub async fn secrets(
    c: &mut impl Conn,
    id: i64,
) -> Result<Option<(String, Option<String>, Option<DateTime<Utc>>)>> {
    let q = Query::select()
        .columns(["secret", "previous_secret", "previous_secret_expires_at"])
        .from("webhook_endpoints")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    c.opt(&q).await
}

pub struct NewEndpoint<'a> {
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub secret: &'a str,
    pub event_types: &'a [String],
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, e: &NewEndpoint<'_>) -> Result<i64> {
    let q = schema::WEBHOOK_ENDPOINTS.insert_new(
        e.now,
        [
            ("url", e.url.into()),
            ("description", e.description.into()),
            ("secret", e.secret.into()),
            ("event_types", serde_json::json!(e.event_types).into()),
            ("status", "active".into()),
        ],
    );
    tx.insert_id(&q).await
}

/// What an edit sets.
pub struct Edit<'a> {
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub event_types: &'a [String],
}

/// Applies `edit` if the row is still at `version`; false when someone changed it meanwhile.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    edit: &Edit<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = Query::update()
        .table("webhook_endpoints")
        .values([
            ("url", edit.url.into()),
            ("description", edit.description.into()),
            ("event_types", serde_json::json!(edit.event_types).into()),
            ("updated_at", now.into()),
        ])
        .value("version", Expr::col("version").add(1))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("version").eq(version))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// Stops deliveries to an active (or paused) endpoint. `version` None: whatever it is (the
/// worker's decisions). False when it was not active, or not at `version`.
pub async fn disable(
    tx: &mut Tx,
    id: i64,
    version: Option<i64>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut q = Query::update()
        .table("webhook_endpoints")
        .values([
            ("status", "disabled".into()),
            ("disabled_reason", reason.into()),
            ("disabled_at", now.into()),
            ("updated_at", now.into()),
        ])
        .value("version", Expr::col("version").add(1))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("status").is_in(["active", "paused"]))
        .to_owned();
    if let Some(v) = version {
        q.and_where(Expr::col("version").eq(v));
    }
    Ok(tx.exec(&q).await? == 1)
}

/// Sends to a disabled (or paused) endpoint again, its failure streak started over.
pub async fn enable(tx: &mut Tx, id: i64, version: i64, now: DateTime<Utc>) -> Result<bool> {
    let q = Query::update()
        .table("webhook_endpoints")
        .values([
            ("status", "active".into()),
            ("disabled_reason", Option::<String>::None.into()),
            ("disabled_at", Option::<DateTime<Utc>>::None.into()),
            ("failure_streak", 0i64.into()),
            ("updated_at", now.into()),
        ])
        .value("version", Expr::col("version").add(1))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("version").eq(version))
        .and_where(Expr::col("status").is_in(["disabled", "paused"]))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// A new current secret; the one it replaces keeps signing until `previous_until`.
pub async fn rotate(
    tx: &mut Tx,
    id: i64,
    version: i64,
    secret: &str,
    previous_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = Query::update()
        .table("webhook_endpoints")
        .value("previous_secret", Expr::col("secret"))
        .values([
            ("secret", secret.into()),
            ("previous_secret_expires_at", previous_until.into()),
            ("updated_at", now.into()),
        ])
        .value("version", Expr::col("version").add(1))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("version").eq(version))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// Adds `failed` to the streak, after resetting it when `reset` (a success came first).
/// Returns the streak as it now is.
pub async fn add_to_streak(tx: &mut Tx, id: i64, reset: bool, failed: i64) -> Result<()> {
    let value = if reset {
        Expr::val(failed)
    } else {
        Expr::col("failure_streak").add(failed)
    };
    let mut q = Query::update()
        .table("webhook_endpoints")
        .value("failure_streak", value)
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    if reset && failed == 0 {
        // Most successes change nothing: no row lock taken for them.
        q.and_where(Expr::col("failure_streak").ne(0));
    }
    tx.exec(&q).await?;
    Ok(())
}

/// Staff who manage webhooks (the permission through a role or held directly), not deleted.
pub async fn managers(c: &mut impl Conn) -> Result<Vec<i64>> {
    // Users of `q` who hold the permission through `alias`: a role's or their own.
    let holding = |mut q: SelectStatement, alias: &'static str| {
        q.join_as(
            JoinType::InnerJoin,
            "permissions",
            "p",
            Expr::col(("p", "id")).equals((alias, "permission_id")),
        )
        .and_where(Expr::col(("p", "name")).eq("webhooks.manage"));
        q
    };
    let via_role = Query::select()
        .column(("mr", "model_id"))
        .from_as("model_has_roles", "mr")
        .join_as(
            JoinType::InnerJoin,
            "role_has_permissions",
            "rp",
            Expr::col(("rp", "role_id")).equals(("mr", "role_id")),
        )
        .and_where(Expr::col(("mr", "model_type")).eq(USER_TYPE))
        .to_owned();
    let direct = Query::select()
        .column(("mp", "model_id"))
        .from_as("model_has_permissions", "mp")
        .and_where(Expr::col(("mp", "model_type")).eq(USER_TYPE))
        .to_owned();
    let (via_role, direct) = (holding(via_role, "rp"), holding(direct, "mp"));
    let q = Query::select()
        .column(("u", "id"))
        .from_as("users", "u")
        .and_where(Expr::col(("u", "deleted_at")).is_null())
        .and_where(
            Expr::col(("u", "id"))
                .in_subquery(via_role)
                .or(Expr::col(("u", "id")).in_subquery(direct)),
        )
        .order_by(("u", "id"), sea_query::Order::Asc)
        .to_owned();
    let rows: Vec<(i64,)> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// One pending first attempt of outbox event `event_row_id` per active endpoint subscribed
/// to `kind` (or to `*`), due at once. Test events go only where they are sent.
pub async fn fan_out(
    tx: &mut Tx,
    event_row_id: i64,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    if kind == TEST_EVENT {
        return Ok(0);
    }
    // The first attempt to each active endpoint subscribed, by each backend's JSON.
    let subscribed = match tx.backend() {
        Backend::Sqlite => {
            "EXISTS (SELECT 1 FROM json_each(e.event_types) j WHERE j.value IN ($3, '*'))"
        }
        Backend::Postgres => {
            "(e.event_types @> jsonb_build_array($3::text) OR e.event_types @> '[\"*\"]'::jsonb)"
        }
        Backend::MySql => {
            "(JSON_CONTAINS(e.event_types, JSON_QUOTE($3)) OR JSON_CONTAINS(e.event_types, '\"*\"'))"
        }
    };
    let sql = format!(
        "{} SELECT $1, e.id, 1, 'pending', $2, $2, $2 FROM webhook_endpoints e \
         WHERE e.status = 'active' AND {subscribed}",
        schema::WEBHOOK_DELIVERIES.insert_into(&super::deliveries::PENDING)
    );
    tx.exec_sql(&sql, vec![event_row_id.into(), now.into(), kind.into()])
        .await
}

/// Dates the disabling of endpoints disabled without a date (the generator's rows): when
/// they were last changed.
pub async fn date_disabled(tx: &mut Tx) -> Result<u64> {
    let q = Query::update()
        .table("webhook_endpoints")
        .value("disabled_at", Expr::col("updated_at"))
        .and_where(Expr::col("status").eq("disabled"))
        .and_where(Expr::col("disabled_at").is_null())
        .to_owned();
    tx.exec(&q).await
}
