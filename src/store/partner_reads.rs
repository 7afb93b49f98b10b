//! What the partners' read API lists besides projects (which are `projects::page`'s): the
//! columns a partner may see and nothing else (no rejection reasons, payment references,
//! pending four-eyes decisions, ticket bodies or staff), newest first, by keyset on the
//! primary key so every page costs one indexed query whatever the table size.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Query, SelectStatement};

use super::page::{Anchor, Cursor, Keyset, Page, SortDir, finish};
use super::{Conn, FromAnyRow, Result};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CommissionRow {
    pub id: i64,
    pub project_id: i64,
    pub status: String,
    pub gross_amount: i64,
    pub rate_bps: i64,
    pub amount: i64,
    pub currency: String,
    pub created_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct EscrowRow {
    pub id: i64,
    pub project_id: i64,
    pub status: String,
    pub provider: Option<String>,
    pub currency: String,
    pub amount_held: i64,
    pub amount_released: i64,
    pub amount_refunded: i64,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TicketRow {
    pub id: i64,
    pub reference: String,
    pub requester_id: i64,
    pub project_id: Option<i64>,
    pub subject: String,
    pub category: String,
    pub priority: String,
    pub status: String,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The page after the row with id `after` (the first page when None), newest first.
fn newest_first(
    mut q: SelectStatement,
    id: Expr,
    after: Option<i64>,
    limit: u64,
) -> (SelectStatement, Anchor) {
    let anchor = after.map_or(Anchor::First, |id| Anchor::After(Cursor::id(id)));
    Keyset::by_id(id, SortDir::Desc).apply(&mut q, &anchor, limit);
    (q, anchor)
}

/// A page of `q`'s rows (`alias`) newest first, only those of projects that are not deleted
/// (a deleted project is not listed either).
async fn of_live_project<T: FromAnyRow>(
    c: &mut impl Conn,
    mut q: SelectStatement,
    alias: &'static str,
    after: Option<i64>,
    limit: u64,
) -> Result<Page<T>> {
    q.join_as(
        JoinType::InnerJoin,
        "projects",
        "p",
        Expr::col(("p", "id")).equals((alias, "project_id")),
    )
    .and_where(Expr::col(("p", "deleted_at")).is_null());
    let (q, anchor) = newest_first(q, Expr::col((alias, "id")), after, limit);
    Ok(finish(c.all(&q).await?, &anchor, limit))
}

pub async fn commissions(
    c: &mut impl Conn,
    after: Option<i64>,
    limit: u64,
) -> Result<Page<CommissionRow>> {
    let q = Query::select()
        .columns(
            [
                "id",
                "project_id",
                "status",
                "gross_amount",
                "rate_bps",
                "amount",
                "currency",
                "created_at",
                "approved_at",
                "rejected_at",
                "paid_at",
                "cancelled_at",
                "updated_at",
            ]
            .map(|col| ("c", col)),
        )
        .from_as("commissions", "c")
        .to_owned();
    of_live_project(c, q, "c", after, limit).await
}

pub async fn escrows(c: &mut impl Conn, after: Option<i64>, limit: u64) -> Result<Page<EscrowRow>> {
    let q = Query::select()
        .columns(
            [
                "id",
                "project_id",
                "status",
                "provider",
                "currency",
                "amount_held",
                "amount_released",
                "amount_refunded",
                "created_at",
                "updated_at",
            ]
            .map(|col| ("e", col)),
        )
        .from_as("escrows", "e")
        .to_owned();
    of_live_project(c, q, "e", after, limit).await
}

pub async fn tickets(c: &mut impl Conn, after: Option<i64>, limit: u64) -> Result<Page<TicketRow>> {
    let q = Query::select()
        .columns(
            [
                "id",
                "reference",
                "requester_id",
                "project_id",
                "subject",
                "category",
                "priority",
                "status",
                "first_response_due_at",
                "first_responded_at",
                "resolution_due_at",
                "resolved_at",
                "closed_at",
                "created_at",
                "updated_at",
            ]
            .map(|col| ("t", col)),
        )
        .from_as("support_tickets", "t")
        .to_owned();
    let (q, anchor) = newest_first(q, Expr::col(("t", "id")), after, limit);
    Ok(finish(c.all(&q).await?, &anchor, limit))
}
