//! payment_transactions: collections, payouts and refunds through the providers, as the
//! payments list and reconciliation read them.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};

use super::escrows::PaymentRow;
use super::page::{Anchor, Keyset, Page, SortDir, finish};
use super::{Conn, Result};

/// Payment transactions as `PaymentRow` reads them.
pub(super) fn select() -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "project_id",
            "escrow_id",
            "provider",
            "provider_reference",
            "direction",
            "amount",
            "currency",
            "status",
            "failure_reason",
            "created_at",
            "updated_at",
        ])
        .from("payment_transactions")
        .to_owned()
}

/// Our transactions of `provider` with these references (a statement's lines).
pub async fn by_references(
    c: &mut impl Conn,
    provider: &str,
    references: &[String],
) -> Result<Vec<PaymentRow>> {
    let mut out = Vec::with_capacity(references.len());
    // In chunks: a statement may have many thousand lines, a query has a parameter limit.
    for chunk in references.chunks(500) {
        let mut q = select();
        q.and_where(Expr::col("provider").eq(provider))
            .and_where(Expr::col("provider_reference").is_in(chunk.iter().cloned()));
        out.extend(c.all::<PaymentRow>(&q).await?);
    }
    Ok(out)
}

/// Our succeeded transactions of `provider` created in [from, to] (whole days around the
/// statement's first and last lines).
pub async fn succeeded_between(
    c: &mut impl Conn,
    provider: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<PaymentRow>> {
    let mut q = select();
    q.and_where(Expr::col("provider").eq(provider))
        .and_where(Expr::col("status").eq("succeeded"))
        .and_where(Expr::col("created_at").gte(from))
        .and_where(Expr::col("created_at").lte(to))
        .order_by("id", Order::Asc);
    c.all(&q).await
}

/// What the payments list narrows to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub providers: Vec<String>,
    pub statuses: Vec<String>,
    pub directions: Vec<String>,
    pub reference: Option<String>,
}

/// A window of the payment transactions, newest first.
pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<PaymentRow>> {
    let mut q = select();
    if !f.providers.is_empty() {
        q.and_where(Expr::col("provider").is_in(f.providers.iter().cloned()));
    }
    if !f.statuses.is_empty() {
        q.and_where(Expr::col("status").is_in(f.statuses.iter().cloned()));
    }
    if !f.directions.is_empty() {
        q.and_where(Expr::col("direction").is_in(f.directions.iter().cloned()));
    }
    if let Some(r) = &f.reference {
        q.and_where(Expr::col("provider_reference").eq(r.as_str()));
    }
    Keyset::by_id(Expr::col("id"), SortDir::Desc).apply(&mut q, anchor, limit);
    Ok(finish(c.all(&q).await?, anchor, limit))
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<PaymentRow>> {
    let mut q = select();
    q.and_where(Expr::col("id").eq(id));
    c.opt(&q).await
}

/// A page of our succeeded transactions of `provider` created in [from, to], in (created_at,
/// id) order along `payment_transactions_provider_created_index`: reconciliation walks a
/// statement's whole period this way, a page at a time.
pub async fn succeeded_between_page(
    c: &mut impl Conn,
    provider: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<PaymentRow>> {
    // The page starts at the cursor's time: with both that and `from` as lower bounds SQLite
    // seeks to `from` and filters every row up to the cursor (2.6 s a page instead of 0.5 ms
    // three million rows in).
    let from = match anchor {
        Anchor::After(super::Cursor {
            key: Some(super::SortValue::Time(at)),
            ..
        }) => Ord::max(from, *at),
        _ => from,
    };
    let mut q = select();
    q.and_where(Expr::col("provider").eq(provider))
        .and_where(Expr::col("status").eq("succeeded"))
        .and_where(Expr::col("created_at").gte(from))
        .and_where(Expr::col("created_at").lte(to));
    Keyset::by(Expr::col("created_at"), Expr::col("id"), SortDir::Asc).apply(&mut q, anchor, limit);
    Ok(finish(c.all(&q).await?, anchor, limit))
}
