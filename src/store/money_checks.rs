//! Whole-ledger reads for `ledger verify`'s business checks: every escrow's amounts, what
//! left each escrow per party, the commissions it owes, and every payout with its transfers.
//! Each is one query over the table (no per-row round trips), aggregated by the caller.

use sea_query::{Expr, ExprTrait, Order, Query};

use super::escrows::code;
use super::{Conn, Result};

/// (escrow id, project id, currency, held, released, refunded, status).
pub type EscrowAmounts = (i64, i64, String, i64, i64, i64, String);

pub async fn escrows(c: &mut impl Conn) -> Result<Vec<EscrowAmounts>> {
    let q = Query::select()
        .columns([
            "id",
            "project_id",
            "currency",
            "amount_held",
            "amount_released",
            "amount_refunded",
            "status",
        ])
        .from("escrows")
        .order_by("id", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Every transfer out of an escrow account to a party: (project id, code, key, amount).
pub async fn parts_moved(c: &mut impl Conn) -> Result<Vec<(i64, i64, String, i64)>> {
    let q = Query::select()
        .expr(Expr::cust("CAST(t.project_id AS BIGINT)"))
        .expr(Expr::cust("CAST(t.code AS BIGINT)"))
        .column(("t", "idempotency_key"))
        .expr(Expr::cust("CAST(t.amount AS BIGINT)"))
        .from_as("ledger_transfers", "t")
        .inner_join(
            "ledger_accounts",
            Expr::col(("ledger_accounts", "id"))
                .equals(("t", "debit_account_id"))
                .and(Expr::col(("ledger_accounts", "kind")).eq("escrow")),
        )
        .and_where(Expr::col(("t", "project_id")).is_not_null())
        .and_where(Expr::col(("t", "code")).is_in([
            code::COMMISSION,
            code::PLATFORM_FEE,
            code::RELEASE,
            code::CONTRIBUTOR,
        ]))
        .to_owned();
    c.all(&q).await
}

/// Commissions of one table that share a project's money: (id, project id, amount, status),
/// newest first within a project.
pub async fn commissions(c: &mut impl Conn, table: &str) -> Result<Vec<(i64, i64, i64, String)>> {
    let q = Query::select()
        .columns(["id", "project_id", "amount", "status"])
        .from(table.to_owned())
        .and_where(Expr::col("status").is_in(["pending", "approved", "paid"]))
        .order_by("project_id", Order::Asc)
        .order_by("id", Order::Desc)
        .to_owned();
    c.all(&q).await
}

/// Every payout: (id, amount, currency, status).
pub async fn payouts(c: &mut impl Conn) -> Result<Vec<(i64, i64, String, String)>> {
    let q = Query::select()
        .columns(["id", "amount", "currency", "status"])
        .from("payment_transactions")
        .and_where(Expr::col("direction").eq("payout"))
        .order_by("id", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Every payout transfer and every return of one: (code, key, amount).
pub async fn payout_transfers(
    c: &mut impl Conn,
    returned_code: i64,
) -> Result<Vec<(i64, String, i64)>> {
    let q = Query::select()
        .expr(Expr::cust("CAST(code AS BIGINT)"))
        .column("idempotency_key")
        .expr(Expr::cust("CAST(amount AS BIGINT)"))
        .from("ledger_transfers")
        .and_where(Expr::col("code").is_in([
            code::PAYOUT,
            returned_code,
            code::NETTING,
            code::NETTING_RETURN,
        ]))
        .to_owned();
    c.all(&q).await
}
