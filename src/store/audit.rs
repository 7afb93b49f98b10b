//! audit_logs (owen-it/laravel-auditing shape): append-only writes and filtered keyset reads.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement};
use serde_json::Value as JsonValue;

use super::page::{Anchor, Keyset, Page, SortDir, contains_pattern, finish};
use super::users::USER_TYPE;
use super::{Conn, Result, Tx, schema};

/// Old and new values of the fields a change touched (unchanged fields are left out): the
/// shape of an audit row's `old_values` / `new_values`, for the services and the generator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    old: serde_json::Map<String, JsonValue>,
    new: serde_json::Map<String, JsonValue>,
}

impl Diff {
    pub fn new() -> Diff {
        Diff::default()
    }
    pub fn field(
        mut self,
        name: &str,
        old: impl Into<JsonValue>,
        new: impl Into<JsonValue>,
    ) -> Diff {
        let (old, new) = (old.into(), new.into());
        if old != new {
            self.old.insert(name.to_owned(), old);
            self.new.insert(name.to_owned(), new);
        }
        self
    }
    /// A creation: every field from null.
    pub fn created<'a>(fields: impl IntoIterator<Item = (&'a str, JsonValue)>) -> Diff {
        fields
            .into_iter()
            .fold(Diff::new(), |d, (k, v)| d.field(k, JsonValue::Null, v))
    }
    pub fn old_values(&self) -> JsonValue {
        JsonValue::Object(self.old.clone())
    }
    pub fn new_values(&self) -> JsonValue {
        JsonValue::Object(self.new.clone())
    }
}

pub struct NewAudit<'a> {
    pub user_id: Option<i64>,
    pub event: &'a str,
    pub auditable_type: &'a str,
    pub auditable_id: i64,
    pub old_values: JsonValue,
    pub new_values: JsonValue,
    pub url: Option<&'a str>,
    pub ip_address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub tags: Option<&'a str>,
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, a: &NewAudit<'_>) -> Result<i64> {
    let q = schema::AUDIT_LOGS.insert_new(
        a.now,
        [
            ("user_type", a.user_id.map(|_| USER_TYPE).into()),
            ("user_id", a.user_id.into()),
            ("event", a.event.into()),
            ("auditable_type", a.auditable_type.into()),
            ("auditable_id", a.auditable_id.into()),
            ("old_values", a.old_values.clone().into()),
            ("new_values", a.new_values.clone().into()),
            ("url", a.url.map(str::to_owned).into()),
            ("ip_address", a.ip_address.map(str::to_owned).into()),
            ("user_agent", a.user_agent.map(str::to_owned).into()),
            ("tags", a.tags.map(str::to_owned).into()),
        ],
    );
    tx.insert_id(&q).await
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    pub event: String,
    pub auditable_type: String,
    pub auditable_id: i64,
    #[sqlx(json(nullable))]
    pub old_values: Option<JsonValue>,
    #[sqlx(json(nullable))]
    pub new_values: Option<JsonValue>,
    pub url: Option<String>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub tags: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// The names of the people its `*_by` values point at (who approved, who requested),
    /// read with the page so history shows names, not ids.
    #[sqlx(skip)]
    pub people: std::collections::BTreeMap<i64, String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    /// Part of the actor's name or email.
    pub actor: Option<String>,
    pub auditable_type: Option<String>,
    pub auditable_id: Option<i64>,
    pub event: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

fn base() -> SelectStatement {
    Query::select()
        .columns([
            ("a", "id"),
            ("a", "user_id"),
            ("a", "event"),
            ("a", "auditable_type"),
            ("a", "auditable_id"),
            ("a", "old_values"),
            ("a", "new_values"),
            ("a", "url"),
            ("a", "ip_address"),
            ("a", "user_agent"),
            ("a", "tags"),
            ("a", "created_at"),
        ])
        .expr_as(Expr::col(("u", "name")), "user_name")
        .from_as("audit_logs", "a")
        .join_as(
            JoinType::LeftJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("a", "user_id")),
        )
        .to_owned()
}

fn apply_filter(q: &mut SelectStatement, f: &AuditFilter, narrow: &Narrowing) {
    if let Some(id) = f.user_id {
        q.and_where(Expr::col(("a", "user_id")).eq(id));
    }
    if let Some(users) = &narrow.users {
        // Many matching rows: walk the log newest first and keep theirs (`+` hides the
        // user index from the planner). Few: read them through the user index and sort.
        let column = if narrow.dense_users {
            Expr::cust(r#"+"a"."user_id""#)
        } else {
            Expr::col(("a", "user_id"))
        };
        q.and_where(column.is_in(users.iter().copied()));
    }
    if let Some((low, high)) = narrow.ids {
        q.and_where(Expr::col(("a", "id")).between(low, high));
    }
    if let Some(t) = &f.auditable_type {
        q.and_where(Expr::col(("a", "auditable_type")).eq(t.as_str()));
    }
    if let Some(id) = f.auditable_id {
        q.and_where(Expr::col(("a", "auditable_id")).eq(id));
    }
    if let Some(e) = &f.event {
        q.and_where(Expr::col(("a", "event")).eq(e.as_str()));
    }
    if let Some(from) = f.from {
        q.and_where(Expr::col(("a", "created_at")).gte(from));
    }
    if let Some(to) = f.to {
        q.and_where(Expr::col(("a", "created_at")).lt(to));
    }
}

/// What the filters resolve to before the page query, so that each one is answered by its own
/// index instead of a scan of the whole log: the matching actors' ids, and the id range of the
/// date range (ids grow with time).
#[derive(Default)]
struct Narrowing {
    users: Option<Vec<i64>>,
    /// The matching people wrote many rows (so scanning by id finds a page quickly).
    dense_users: bool,
    ids: Option<(i64, i64)>,
}

/// Above this many rows by the matching people, scanning the log by id beats sorting theirs.
const DENSE_ROWS: u64 = 2_000;

/// Most people an actor search can stand for (a name fragment like "awa").
const MAX_ACTORS: u64 = 200;

/// Resolves the filters; None when nothing can match.
async fn narrow(c: &mut impl Conn, f: &AuditFilter) -> Result<Option<Narrowing>> {
    let mut n = Narrowing::default();
    if let Some(actor) = f.actor.as_deref().filter(|s| !s.is_empty()) {
        // A person is found by the start of a word of their name or of their email ("awa"
        // finds Awa Diop, not every name containing "awa").
        let prefix = contains_pattern(actor).trim_start_matches('%').to_owned();
        let like = |e: Expr, p: String| e.like(LikeExpr::new(p).escape('\\'));
        let q = Query::select()
            .column("id")
            .from("users")
            .cond_where(
                like(Func::lower(Expr::col("name")).into(), prefix.clone())
                    .or(like(
                        Func::lower(Expr::col("name")).into(),
                        format!("% {prefix}"),
                    ))
                    .or(like(Func::lower(Expr::col("email")).into(), prefix)),
            )
            .limit(MAX_ACTORS)
            .to_owned();
        let ids: Vec<(i64,)> = c.all(&q).await?;
        if ids.is_empty() {
            return Ok(None);
        }
        let users: Vec<i64> = ids.into_iter().map(|r| r.0).collect();
        // Counting through the user index stops early: only "few or many" matters.
        let sample = Query::select()
            .expr(Expr::val(1))
            .from("audit_logs")
            .and_where(Expr::col("user_id").is_in(users.iter().copied()))
            .limit(DENSE_ROWS + 1)
            .to_owned();
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_subquery(sample, "s")
            .to_owned();
        let (rows,): (i64,) = c.one(&count).await?;
        n.dense_users = rows as u64 > DENSE_ROWS;
        n.users = Some(users);
    }
    if f.from.is_some() || f.to.is_some() {
        // `id + 0` keeps the planners from answering MIN/MAX by walking the primary key
        // (which scans most of the log): the created_at index range is read instead.
        let mut q = Query::select()
            .expr(Expr::cust("CAST(MIN(id + 0) AS BIGINT)"))
            .expr(Expr::cust("CAST(MAX(id + 0) AS BIGINT)"))
            .from("audit_logs")
            .to_owned();
        if let Some(from) = f.from {
            q.and_where(Expr::col("created_at").gte(from));
        }
        if let Some(to) = f.to {
            q.and_where(Expr::col("created_at").lt(to));
        }
        match c.one::<(Option<i64>, Option<i64>)>(&q).await? {
            (Some(low), Some(high)) => n.ids = Some((low, high)),
            _ => return Ok(None),
        }
    }
    Ok(Some(n))
}

/// Newest first, by id (ids grow with time, so this is also time order).
pub async fn page(
    c: &mut impl Conn,
    f: &AuditFilter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<AuditRow>> {
    let Some(narrowing) = narrow(c, f).await? else {
        return Ok(Page {
            rows: Vec::new(),
            has_before: false,
            has_after: false,
        });
    };
    let mut q = base();
    apply_filter(&mut q, f, &narrowing);
    Keyset::by_id(Expr::col(("a", "id")), SortDir::Desc).apply(&mut q, anchor, limit);
    let mut rows: Vec<AuditRow> = c.all(&q).await?;
    name_people(c, &mut rows).await?;
    Ok(finish(rows, anchor, limit))
}

/// Fills each row's `people` with the names its `*_by` values point at, in one read.
async fn name_people(c: &mut impl Conn, rows: &mut [AuditRow]) -> Result<()> {
    let mentioned = |r: &AuditRow| -> Vec<i64> {
        [&r.old_values, &r.new_values]
            .into_iter()
            .flatten()
            .filter_map(JsonValue::as_object)
            .flat_map(|o| o.iter())
            .filter(|(k, _)| k.ends_with("_by"))
            .filter_map(|(_, v)| v.as_i64())
            .collect()
    };
    let mut ids: Vec<i64> = rows.iter().flat_map(mentioned).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let q = Query::select()
        .columns(["id", "name"])
        .from(schema::USERS.name)
        .and_where(Expr::col("id").is_in(ids))
        .to_owned();
    let names: std::collections::BTreeMap<i64, String> =
        c.all::<(i64, String)>(&q).await?.into_iter().collect();
    for r in rows.iter_mut() {
        r.people = mentioned(r)
            .into_iter()
            .filter_map(|id| names.get(&id).map(|n| (id, n.clone())))
            .collect();
    }
    Ok(())
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<AuditRow>> {
    let mut q = base();
    q.and_where(Expr::col(("a", "id")).eq(id));
    c.opt(&q).await
}

/// The latest history of one record, newest first.
pub async fn history(
    c: &mut impl Conn,
    auditable_type: &str,
    auditable_id: i64,
    limit: u64,
) -> Result<Vec<AuditRow>> {
    let f = AuditFilter {
        auditable_type: Some(auditable_type.into()),
        auditable_id: Some(auditable_id),
        ..AuditFilter::default()
    };
    Ok(page(c, &f, &Anchor::First, limit).await?.rows)
}

/// Audit rows after `after_id`, oldest first (the change feed's catch-up).
pub async fn since(c: &mut impl Conn, after_id: i64, limit: u64) -> Result<Vec<AuditRow>> {
    let mut q = base();
    q.and_where(Expr::col(("a", "id")).gt(after_id));
    Keyset::by_id(Expr::col(("a", "id")), SortDir::Asc).apply(&mut q, &Anchor::First, limit);
    let mut rows: Vec<AuditRow> = c.all(&q).await?;
    rows.truncate(limit as usize);
    Ok(rows)
}

pub async fn max_id(c: &mut impl Conn) -> Result<i64> {
    let q = Query::select()
        .expr(Expr::cust("CAST(COALESCE(MAX(id), 0) AS BIGINT)"))
        .from("audit_logs")
        .to_owned();
    Ok(c.one::<(i64,)>(&q).await?.0)
}

/// How many audit rows name this record (used by tests: exactly one per change).
pub async fn count_for(
    c: &mut impl Conn,
    auditable_type: &str,
    auditable_id: i64,
    event: Option<&str>,
) -> Result<i64> {
    let mut q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from("audit_logs")
        .and_where(Expr::col("auditable_type").eq(auditable_type))
        .and_where(Expr::col("auditable_id").eq(auditable_id))
        .to_owned();
    if let Some(e) = event {
        q.and_where(Expr::col("event").eq(e));
    }
    Ok(c.one::<(i64,)>(&q).await?.0)
}
