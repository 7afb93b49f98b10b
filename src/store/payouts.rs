//! What developers are owed on their payable account, per project (the payable accounts are
//! one per currency; each transfer names its project, whose developer it belongs to), and the
//! payment transactions of a payout batch.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};

use super::escrows::PaymentRow;
use super::{Conn, Result, Tx, schema};

/// A developer's payable balance on one project.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Payable {
    pub developer_id: i64,
    pub developer_name: String,
    pub project_id: i64,
    pub currency: String,
    pub amount: i64,
    pub payout_method: Option<String>,
    pub payout_account: Option<String>,
}

/// Every positive developer payable balance, per developer, project and currency (at most
/// `limit` rows), developers by name: read from the payable sub-ledger (`store::payable`),
/// whose non-zero balances are few whatever the size of the ledger.
pub async fn payable(c: &mut impl Conn, limit: u64) -> Result<Vec<Payable>> {
    let q = Query::select()
        .expr_as(Expr::col(("p", "developer_id")), "developer_id")
        .expr_as(Expr::col(("u", "name")), "developer_name")
        .expr_as(Expr::col(("b", "project_id")), "project_id")
        .expr_as(Expr::col(("b", "currency")), "currency")
        .expr_as(Expr::col(("b", "amount")), "amount")
        .expr_as(Expr::col(("pr", "payout_method")), "payout_method")
        .expr_as(Expr::col(("pr", "payout_account")), "payout_account")
        .from_as("payable_balances", "b")
        .join_as(
            sea_query::JoinType::InnerJoin,
            "projects",
            "p",
            Expr::col(("p", "id")).equals(("b", "project_id")),
        )
        .join_as(
            sea_query::JoinType::InnerJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("p", "developer_id")),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "profiles",
            "pr",
            Expr::col(("pr", "user_id"))
                .equals(("p", "developer_id"))
                .and(Expr::col(("pr", "type")).eq("developer")),
        )
        .and_where(Expr::col(("b", "amount")).gt(0))
        .order_by(("u", "name_key"), Order::Asc)
        .order_by(("p", "developer_id"), Order::Asc)
        .order_by(("b", "project_id"), Order::Asc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}

pub struct NewPayout<'a> {
    pub project_id: Option<i64>,
    pub provider: &'a str,
    pub reference: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub batch_id: &'a str,
    pub now: DateTime<Utc>,
}

/// A payout sent to the provider, pending until marked sent or failed.
pub async fn insert_payout(tx: &mut Tx, p: &NewPayout<'_>) -> Result<i64> {
    let q = schema::PAYMENT_TRANSACTIONS.insert_new(
        p.now,
        [
            ("project_id", p.project_id.into()),
            ("provider", p.provider.into()),
            ("provider_reference", p.reference.into()),
            ("direction", "payout".into()),
            ("amount", p.amount.into()),
            ("currency", p.currency.into()),
            ("status", "pending".into()),
            ("batch_id", p.batch_id.into()),
        ],
    );
    tx.insert_id(&q).await
}

/// The payment transactions of a batch, in order.
pub async fn batch(c: &mut impl Conn, batch_id: &str) -> Result<Vec<PaymentRow>> {
    let q = super::payments::select()
        .and_where(Expr::col("batch_id").eq(batch_id))
        .order_by("id", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// The batch a payment transaction belongs to.
pub async fn batch_of(c: &mut impl Conn, payment_id: i64) -> Result<Option<String>> {
    let q = Query::select()
        .column("batch_id")
        .from("payment_transactions")
        .and_where(Expr::col("id").eq(payment_id))
        .to_owned();
    Ok(c.opt::<(Option<String>,)>(&q).await?.and_then(|r| r.0))
}

/// (id, debit, credit, amount, currency, project, code) of one transfer of a payout.
pub type PayoutTransfer = (i64, i64, i64, i64, String, Option<i64>, i64);

/// The transfers that paid a payout out of the payable accounts, and the clawbacks it netted
/// (its key names the payment).
pub async fn transfers_of(c: &mut impl Conn, payment_id: i64) -> Result<Vec<PayoutTransfer>> {
    use super::escrows::code;
    let q = Query::select()
        .columns([
            "id",
            "debit_account_id",
            "credit_account_id",
            "amount",
            "currency",
            "project_id",
        ])
        .expr(Expr::cust("CAST(code AS BIGINT)"))
        .from("ledger_transfers")
        .and_where(Expr::col("code").is_in([code::PAYOUT, code::NETTING]))
        .and_where(Expr::col("idempotency_key").like(format!(
            "{}%",
            crate::domain::ledger_keys::payout_prefix(payment_id)
        )))
        .order_by("id", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// A payout as finance follows it: the payment transaction, the developer it pays (the
/// developer of the project it names) and its batch.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct PayoutRow {
    pub id: i64,
    pub project_id: Option<i64>,
    pub developer_id: Option<i64>,
    pub developer_name: Option<String>,
    pub provider: String,
    pub provider_reference: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub batch_id: Option<String>,
    pub failure_reason: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// What the payouts list narrows to (payment transactions whose direction is `payout`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PayoutFilter {
    pub statuses: Vec<String>,
    pub providers: Vec<String>,
    pub currencies: Vec<String>,
    pub batch_id: Option<String>,
    pub developer_id: Option<i64>,
}

fn payout_select() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            ("t", "id"),
            ("t", "project_id"),
            ("t", "provider"),
            ("t", "provider_reference"),
            ("t", "amount"),
            ("t", "currency"),
            ("t", "status"),
            ("t", "batch_id"),
            ("t", "failure_reason"),
            ("t", "created_at"),
            ("t", "updated_at"),
        ])
        .expr_as(Expr::col(("p", "developer_id")), "developer_id")
        .expr_as(Expr::col(("u", "name")), "developer_name")
        .from_as("payment_transactions", "t")
        .join_as(
            sea_query::JoinType::LeftJoin,
            "projects",
            "p",
            Expr::col(("p", "id")).equals(("t", "project_id")),
        )
        .join_as(
            sea_query::JoinType::LeftJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("p", "developer_id")),
        )
        .and_where(Expr::col(("t", "direction")).eq("payout"))
        .to_owned()
}

/// A window of the payouts, newest first, by keyset on the id.
pub async fn page_payouts(
    c: &mut impl Conn,
    f: &PayoutFilter,
    anchor: &super::Anchor,
    limit: u64,
) -> Result<super::Page<PayoutRow>> {
    let mut q = payout_select();
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("t", "status")).is_in(f.statuses.iter().cloned()));
    }
    if !f.providers.is_empty() {
        q.and_where(Expr::col(("t", "provider")).is_in(f.providers.iter().cloned()));
    }
    if !f.currencies.is_empty() {
        q.and_where(Expr::col(("t", "currency")).is_in(f.currencies.iter().cloned()));
    }
    if let Some(b) = &f.batch_id {
        q.and_where(Expr::col(("t", "batch_id")).eq(b.as_str()));
    }
    if let Some(d) = f.developer_id {
        q.and_where(Expr::col(("p", "developer_id")).eq(d));
    }
    super::page::Keyset::by_id(Expr::col(("t", "id")), super::SortDir::Desc)
        .apply(&mut q, anchor, limit);
    Ok(super::page::finish(c.all(&q).await?, anchor, limit))
}

/// One payout (None: no payment transaction with that id is a payout).
pub async fn payout(c: &mut impl Conn, id: i64) -> Result<Option<PayoutRow>> {
    let mut q = payout_select();
    q.and_where(Expr::col(("t", "id")).eq(id));
    c.opt(&q).await
}
