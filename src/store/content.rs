//! Articles (the blog).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Order, Query, Value};

use super::page::{Keyset, SortDir, contains_pattern, finish};
use super::{Anchor, Conn, Page, Result, Tx, schema};

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

/// What the articles view narrows to: words of the title or slug, statuses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArticleFilter {
    pub text: Option<String>,
    pub statuses: Vec<String>,
}

/// A window of the articles, newest first, by keyset on the id.
pub async fn page_articles(
    c: &mut impl Conn,
    f: &ArticleFilter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<ArticleRow>> {
    let mut q = articles();
    if let Some(t) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(t)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("a", "title")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("a", "slug"))).like(pattern)),
        );
    }
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("a", "status")).is_in(f.statuses.iter().cloned()));
    }
    Keyset::by_id(Expr::col(("a", "id")), SortDir::Desc).apply(&mut q, anchor, limit);
    Ok(finish(c.all(&q).await?, anchor, limit))
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
    let q = schema::ARTICLES.cas_update(id, lock_version, values, now);
    Ok(tx.exec(&q).await? == 1)
}
