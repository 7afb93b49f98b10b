//! media: what developers publish on their portfolios and projects (spatie/laravel-medialibrary's
//! rows), as moderation reads and decides them. The queue is pending first, newest first within
//! (`awaiting`, a column the database derives from the status, then the id: one index).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement, Value};
use serde_json::Value as JsonValue;

use super::page::{Keyset, SortValue, contains_pattern, finish};
use super::{Anchor, Conn, Cursor, Page, Result, SortDir, Tx, schema};

/// How the platform names the models media hang on: the morph-map alias, or the class.
pub const USER_TYPES: [&str; 2] = ["user", "App\\Models\\User"];
pub const PROJECT_TYPES: [&str; 2] = ["project", "App\\Models\\Project"];

/// What the moderation list is narrowed to (each empty or None: no narrowing).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MediaFilter {
    pub statuses: Vec<String>,
    pub collections: Vec<String>,
    /// The developer it belongs to (their portfolio, or a project they delivered).
    pub owner_id: Option<i64>,
    pub project_id: Option<i64>,
    /// In the display name or the file name.
    pub text: Option<String>,
}

/// A media item as moderation shows it: the row, its owner and project, and its decision.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct MediaRow {
    pub id: i64,
    pub model_type: String,
    pub model_id: i64,
    pub collection_name: String,
    pub name: String,
    pub file_name: String,
    pub mime_type: Option<String>,
    pub size: i64,
    #[sqlx(json)]
    pub custom_properties: JsonValue,
    #[sqlx(json)]
    pub generated_conversions: JsonValue,
    pub moderation_status: String,
    pub awaiting: i64,
    pub created_at: Option<DateTime<Utc>>,
    pub moderated_at: Option<DateTime<Utc>>,
    pub moderation_reason: Option<String>,
    pub moderator_name: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub owner_locale: Option<String>,
    pub project_id: Option<i64>,
    pub project_title: Option<String>,
}

impl MediaRow {
    /// The embed address a 3D or video embed points at, if it has one.
    pub fn embed_url(&self) -> Option<&str> {
        self.custom_properties["embed_url"].as_str()
    }
}

fn select() -> SelectStatement {
    let on_project = Expr::col(("m", "model_type")).is_in(PROJECT_TYPES);
    let owner = Expr::case(
        Expr::col(("m", "model_type")).is_in(USER_TYPES),
        Expr::col(("m", "model_id")),
    )
    .finally(Expr::col(("p", "developer_id")));
    Query::select()
        .columns([
            ("m", "id"),
            ("m", "model_type"),
            ("m", "model_id"),
            ("m", "collection_name"),
            ("m", "name"),
            ("m", "file_name"),
            ("m", "mime_type"),
            ("m", "size"),
            ("m", "custom_properties"),
            ("m", "generated_conversions"),
            ("m", "moderation_status"),
            ("m", "awaiting"),
            ("m", "created_at"),
            ("m", "moderated_at"),
            ("m", "moderation_reason"),
        ])
        .expr_as(Expr::col(("d", "name")), "moderator_name")
        .expr_as(Expr::col(("o", "id")), "owner_id")
        .expr_as(Expr::col(("o", "name")), "owner_name")
        .expr_as(Expr::col(("o", "locale")), "owner_locale")
        .expr_as(Expr::col(("p", "id")), "project_id")
        .expr_as(Expr::col(("p", "title")), "project_title")
        .from_as("media", "m")
        .join_as(
            JoinType::LeftJoin,
            "projects",
            "p",
            on_project.and(Expr::col(("p", "id")).equals(("m", "model_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            "users",
            "o",
            Expr::col(("o", "id")).eq(owner),
        )
        .join_as(
            JoinType::LeftJoin,
            "users",
            "d",
            Expr::col(("d", "id")).equals(("m", "moderated_by")),
        )
        .to_owned()
}

fn narrow(q: &mut SelectStatement, f: &MediaFilter) {
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("m", "moderation_status")).is_in(f.statuses.clone()));
    }
    if !f.collections.is_empty() {
        q.and_where(Expr::col(("m", "collection_name")).is_in(f.collections.clone()));
    }
    if let Some(owner) = f.owner_id {
        let portfolio = Expr::col(("m", "model_type"))
            .is_in(USER_TYPES)
            .and(Expr::col(("m", "model_id")).eq(owner));
        q.and_where(portfolio.or(Expr::col(("p", "developer_id")).eq(owner)));
    }
    if let Some(project) = f.project_id {
        q.and_where(Expr::col(("m", "model_type")).is_in(PROJECT_TYPES));
        q.and_where(Expr::col(("m", "model_id")).eq(project));
    }
    if let Some(text) = &f.text {
        let pattern = LikeExpr::new(contains_pattern(text)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("m", "name")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("m", "file_name"))).like(pattern)),
        );
    }
}

fn keyset() -> Keyset {
    Keyset::by_row(
        Expr::col(("m", "awaiting")),
        Expr::col(("m", "id")),
        SortDir::Desc,
    )
}

/// A window of the queue: pending first, newest first within (keyset on `awaiting`, id).
pub async fn page(
    c: &mut impl Conn,
    filter: &MediaFilter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<MediaRow>> {
    let mut q = select();
    narrow(&mut q, filter);
    keyset().apply(&mut q, anchor, limit);
    Ok(finish(c.all(&q).await?, anchor, limit))
}

pub fn cursor(row: &MediaRow) -> Cursor {
    Cursor {
        key: Some(SortValue::Int(row.awaiting)),
        id: row.id,
    }
}

/// The queue's first `limit` items (the CLI's list).
pub async fn list(c: &mut impl Conn, filter: &MediaFilter, limit: u64) -> Result<Vec<MediaRow>> {
    Ok(page(c, filter, &Anchor::First, limit).await?.rows)
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<MediaRow>> {
    let mut q = select();
    q.and_where(Expr::col(("m", "id")).eq(id));
    c.opt(&q).await
}

/// Decides an item still at `from`: false when someone else decided it first.
pub async fn cas_decide(
    tx: &mut Tx,
    id: i64,
    from: &str,
    values: Vec<(&'static str, Value)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let t = schema::MEDIA;
    let mut values = values;
    values.push(("updated_at", now.into()));
    t.check(values.iter().map(|(c, _)| *c));
    let q = Query::update()
        .table(t.name)
        .values(values.into_iter().map(|(c, v)| (c, Expr::val(v))))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("moderation_status").eq(from))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}
