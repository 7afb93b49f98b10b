//! Articles (the blog).

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
