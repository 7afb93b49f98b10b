//! Articles (the blog) and reviews (moderation).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, Value};

use super::{Conn, Result, Tx};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ArticleRow {
    pub id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub title: String,
    pub slug: String,
    pub excerpt: Option<String>,
    pub body: String,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub lock_version: i64,
    pub updated_at: Option<DateTime<Utc>>,
}

fn articles() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            ("a", "id"),
            ("a", "author_id"),
            ("a", "title"),
            ("a", "slug"),
            ("a", "excerpt"),
            ("a", "body"),
            ("a", "status"),
            ("a", "published_at"),
            ("a", "lock_version"),
            ("a", "updated_at"),
        ])
        .expr_as(Expr::col(("u", "name")), "author_name")
        .from_as("articles", "a")
        .join_as(
            JoinType::InnerJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("a", "author_id")),
        )
        .and_where(Expr::col(("a", "deleted_at")).is_null())
        .to_owned()
}

pub async fn list_articles(c: &mut impl Conn, limit: u64) -> Result<Vec<ArticleRow>> {
    let mut q = articles();
    q.order_by(("a", "updated_at"), Order::Desc)
        .order_by(("a", "id"), Order::Desc)
        .limit(limit);
    c.all(&q).await
}

pub async fn article(c: &mut impl Conn, id: i64) -> Result<Option<ArticleRow>> {
    let mut q = articles();
    q.and_where(Expr::col(("a", "id")).eq(id));
    c.opt(&q).await
}

pub async fn cas_update_article(
    tx: &mut Tx,
    id: i64,
    lock_version: i64,
    values: Vec<(&'static str, Value)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut q = Query::update();
    q.table("articles")
        .values(values.into_iter().map(|(c, v)| (c, Expr::val(v))))
        .value("updated_at", now)
        .value("lock_version", Expr::col("lock_version").add(1))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("lock_version").eq(lock_version));
    Ok(tx.exec(&q).await? == 1)
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: i64,
    pub project_id: i64,
    pub reviewer_id: i64,
    pub reviewee_id: i64,
    pub rating: i64,
    pub comment: Option<String>,
    pub hidden_at: Option<DateTime<Utc>>,
    pub hidden_reason: Option<String>,
}

pub async fn review(c: &mut impl Conn, id: i64) -> Result<Option<ReviewRow>> {
    let q = Query::select()
        .columns([
            "id",
            "project_id",
            "reviewer_id",
            "reviewee_id",
            "rating",
            "comment",
            "hidden_at",
            "hidden_reason",
        ])
        .from("reviews")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    c.opt(&q).await
}

pub async fn insert_review(
    tx: &mut Tx,
    project_id: i64,
    reviewer: i64,
    reviewee: i64,
    rating: i64,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let q = Query::insert()
        .into_table("reviews")
        .columns([
            "project_id",
            "reviewer_id",
            "reviewee_id",
            "rating",
            "comment",
            "created_at",
            "updated_at",
        ])
        .values_panic([
            project_id.into(),
            reviewer.into(),
            reviewee.into(),
            rating.into(),
            comment.map(str::to_owned).into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    tx.insert_id(&q).await
}

pub async fn hide_review(
    tx: &mut Tx,
    id: i64,
    by: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = Query::update()
        .table("reviews")
        .values([
            ("hidden_at", now.into()),
            ("hidden_by", by.into()),
            ("hidden_reason", reason.into()),
            ("updated_at", now.into()),
        ])
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("hidden_at").is_null())
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// A project's reviews with the reviewer's name.
pub async fn reviews_of_project(
    c: &mut impl Conn,
    project_id: i64,
) -> Result<Vec<(ReviewRow, String)>> {
    let q = Query::select()
        .columns([
            ("r", "id"),
            ("r", "project_id"),
            ("r", "reviewer_id"),
            ("r", "reviewee_id"),
            ("r", "rating"),
            ("r", "comment"),
            ("r", "hidden_at"),
            ("r", "hidden_reason"),
        ])
        .column(("u", "name"))
        .from_as("reviews", "r")
        .join_as(
            JoinType::InnerJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("r", "reviewer_id")),
        )
        .and_where(Expr::col(("r", "project_id")).eq(project_id))
        .order_by(("r", "id"), Order::Asc)
        .to_owned();
    #[derive(sqlx::FromRow)]
    struct WithName {
        #[sqlx(flatten)]
        review: ReviewRow,
        name: String,
    }
    let rows: Vec<WithName> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| (r.review, r.name)).collect())
}
