//! reviews: one per party per completed project; the moderation list (keyset both ways), hiding
//! and restoring.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Order, Query, SelectStatement};

use super::page::{Anchor, Cursor, Keyset, Page, SortDir, SortValue, contains_pattern, finish};
use super::{Conn, Result, Tx, schema};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: i64,
    pub project_id: i64,
    pub reviewer_id: i64,
    pub reviewee_id: i64,
    pub rating: i64,
    pub comment: Option<String>,
    pub hidden_at: Option<DateTime<Utc>>,
    pub hidden_by: Option<i64>,
    pub hidden_reason: Option<String>,
}

const REVIEW_COLS: [&str; 9] = [
    "id",
    "project_id",
    "reviewer_id",
    "reviewee_id",
    "rating",
    "comment",
    "hidden_at",
    "hidden_by",
    "hidden_reason",
];

pub async fn review(c: &mut impl Conn, id: i64) -> Result<Option<ReviewRow>> {
    let q = Query::select()
        .columns(REVIEW_COLS)
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
    let q = schema::REVIEWS.insert_new(
        now,
        [
            ("project_id", project_id.into()),
            ("reviewer_id", reviewer.into()),
            ("reviewee_id", reviewee.into()),
            ("rating", rating.into()),
            ("comment", comment.map(str::to_owned).into()),
        ],
    );
    tx.insert_id(&q).await
}

/// Hides a visible review; false when it was already hidden (someone else got there first).
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

/// Shows a hidden review again; false when it was not hidden (any more).
pub async fn restore_review(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let q = Query::update()
        .table("reviews")
        .value("hidden_at", Option::<DateTime<Utc>>::None)
        .value("hidden_by", Option::<i64>::None)
        .value("hidden_reason", Option::<String>::None)
        .value("updated_at", now)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("hidden_at").is_not_null())
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// A project's reviews with the reviewer's name.
pub async fn reviews_of_project(
    c: &mut impl Conn,
    project_id: i64,
) -> Result<Vec<(ReviewRow, String)>> {
    let q = Query::select()
        .columns(REVIEW_COLS.map(|col| ("r", col)))
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

// --- the moderation list ------------------------------------------------------------------

/// A review as the moderation list shows it: with the project and both parties by name.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReviewListRow {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub project_status: String,
    pub reviewer_id: i64,
    pub reviewer_name: String,
    pub reviewee_id: i64,
    pub reviewee_name: String,
    pub rating: i64,
    pub comment: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub hidden_at: Option<DateTime<Utc>>,
    pub hidden_by_name: Option<String>,
    pub hidden_reason: Option<String>,
}

fn base() -> SelectStatement {
    Query::select()
        .columns([
            ("r", "id"),
            ("r", "project_id"),
            ("r", "reviewer_id"),
            ("r", "reviewee_id"),
            ("r", "rating"),
            ("r", "comment"),
            ("r", "created_at"),
            ("r", "hidden_at"),
            ("r", "hidden_reason"),
        ])
        .expr_as(Expr::col(("p", "title")), "project_title")
        .expr_as(Expr::col(("p", "status")), "project_status")
        .expr_as(Expr::col(("a", "name")), "reviewer_name")
        .expr_as(Expr::col(("b", "name")), "reviewee_name")
        .expr_as(Expr::col(("m", "name")), "hidden_by_name")
        .from_as("reviews", "r")
        .join_as(
            JoinType::InnerJoin,
            "projects",
            "p",
            Expr::col(("p", "id")).equals(("r", "project_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "users",
            "a",
            Expr::col(("a", "id")).equals(("r", "reviewer_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "users",
            "b",
            Expr::col(("b", "id")).equals(("r", "reviewee_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "users",
            "m",
            Expr::col(("m", "id")).equals(("r", "hidden_by")),
        )
        .to_owned()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// The latest first: what came in since the last look.
    #[default]
    Newest,
    /// The lowest ratings first: where abuse and disputes are.
    Rating,
}

impl Sort {
    fn keyset(self) -> Keyset {
        let id = Expr::col(("r", "id"));
        match self {
            Sort::Newest => Keyset::by_id(id, SortDir::Desc),
            Sort::Rating => Keyset::by(Expr::col(("r", "rating")), id, SortDir::Asc),
        }
    }
    pub fn cursor(self, row: &ReviewListRow) -> Cursor {
        let key = match self {
            Sort::Newest => None,
            Sort::Rating => Some(SortValue::Int(row.rating)),
        };
        Cursor { key, id: row.id }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// In the comment or the project's title.
    pub text: Option<String>,
    /// Some(true): hidden only; Some(false): visible only.
    pub hidden: Option<bool>,
    pub ratings: Vec<i64>,
    pub project_id: Option<i64>,
    /// By or about this person (part of a name, any case).
    pub person: Option<String>,
}

fn apply_filter(q: &mut SelectStatement, f: &Filter) {
    if let Some(t) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(t)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("r", "comment")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("p", "title"))).like(pattern)),
        );
    }
    match f.hidden {
        Some(true) => {
            q.and_where(Expr::col(("r", "hidden_at")).is_not_null());
        }
        Some(false) => {
            q.and_where(Expr::col(("r", "hidden_at")).is_null());
        }
        None => {}
    }
    if !f.ratings.is_empty() {
        q.and_where(Expr::col(("r", "rating")).is_in(f.ratings.iter().copied()));
    }
    if let Some(id) = f.project_id {
        q.and_where(Expr::col(("r", "project_id")).eq(id));
    }
    if let Some(name) = f.person.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(name)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("a", "name")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("b", "name"))).like(pattern)),
        );
    }
}

pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    sort: Sort,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<ReviewListRow>> {
    let mut q = base();
    apply_filter(&mut q, f);
    sort.keyset().apply(&mut q, anchor, limit);
    let rows = c.all(&q).await?;
    Ok(finish(rows, anchor, limit))
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<ReviewListRow>> {
    let mut q = base();
    q.and_where(Expr::col(("r", "id")).eq(id));
    c.opt(&q).await
}

/// How a person is rated by the other parties: (visible reviews, sum of their ratings).
pub async fn rating_of(c: &mut impl Conn, user_id: i64) -> Result<(i64, i64)> {
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .expr(Expr::cust("CAST(COALESCE(SUM(rating), 0) AS BIGINT)"))
        .from("reviews")
        .and_where(Expr::col("reviewee_id").eq(user_id))
        .and_where(Expr::col("hidden_at").is_null())
        .to_owned();
    c.one(&q).await
}
