//! The double-entry ledger: accounts with cached totals and append-only transfers.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};

use super::{Conn, Result, Tx};

/// Finds the account for (code, currency), creating it on first use.
pub async fn account(
    tx: &mut Tx,
    code: &str,
    kind: &str,
    currency: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let find = Query::select()
        .column("id")
        .from("ledger_accounts")
        .and_where(Expr::col("code").eq(code))
        .and_where(Expr::col("currency").eq(currency))
        .to_owned();
    if let Some((id,)) = tx.opt::<(i64,)>(&find).await? {
        return Ok(id);
    }
    let insert = Query::insert()
        .into_table("ledger_accounts")
        .columns(["code", "kind", "currency", "created_at", "updated_at"])
        .values_panic([
            code.into(),
            kind.into(),
            currency.into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    tx.insert_id(&insert).await
}

pub struct NewTransfer<'a> {
    pub idempotency_key: &'a str,
    pub debit_account_id: i64,
    pub credit_account_id: i64,
    pub amount: i64,
    pub currency: &'a str,
    pub code: i64,
    pub project_id: Option<i64>,
    pub now: DateTime<Utc>,
}

/// Posts a single-phase transfer and moves both accounts' cached posted totals.
pub async fn post(tx: &mut Tx, t: &NewTransfer<'_>) -> Result<i64> {
    let insert = Query::insert()
        .into_table("ledger_transfers")
        .columns([
            "idempotency_key",
            "debit_account_id",
            "credit_account_id",
            "amount",
            "currency",
            "phase",
            "code",
            "project_id",
            "created_at",
        ])
        .values_panic([
            t.idempotency_key.into(),
            t.debit_account_id.into(),
            t.credit_account_id.into(),
            t.amount.into(),
            t.currency.into(),
            "single".into(),
            t.code.into(),
            t.project_id.into(),
            t.now.into(),
        ])
        .to_owned();
    let id = tx.insert_id(&insert).await?;
    for (account, column) in [
        (t.debit_account_id, "debits_posted"),
        (t.credit_account_id, "credits_posted"),
    ] {
        let q = Query::update()
            .table("ledger_accounts")
            .value(column, Expr::col(column).add(t.amount))
            .value("updated_at", t.now)
            .and_where(Expr::col("id").eq(account))
            .to_owned();
        tx.exec(&q).await?;
    }
    Ok(id)
}

/// Per currency: (currency, debits posted, credits posted, debits pending, credits pending)
/// from the cached account totals.
pub async fn cached_totals(c: &mut impl Conn) -> Result<Vec<(String, i64, i64, i64, i64)>> {
    let q = Query::select()
        .column("currency")
        .expr(Expr::cust("CAST(SUM(debits_posted) AS BIGINT)"))
        .expr(Expr::cust("CAST(SUM(credits_posted) AS BIGINT)"))
        .expr(Expr::cust("CAST(SUM(debits_pending) AS BIGINT)"))
        .expr(Expr::cust("CAST(SUM(credits_pending) AS BIGINT)"))
        .from("ledger_accounts")
        .group_by_col("currency")
        .order_by("currency", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Accounts whose cached posted totals differ from a recount of their transfers:
/// (account id, cached debits, recounted debits, cached credits, recounted credits).
pub async fn drifted_accounts(c: &mut impl Conn) -> Result<Vec<(i64, i64, i64, i64, i64)>> {
    let q = Query::select()
        .column(("a", "id"))
        .column(("a", "debits_posted"))
        .expr(Expr::cust(
            "CAST((SELECT COALESCE(SUM(t.amount), 0) FROM ledger_transfers t WHERE t.debit_account_id = a.id AND t.phase IN ('single', 'post_pending')) AS BIGINT)",
        ))
        .column(("a", "credits_posted"))
        .expr(Expr::cust(
            "CAST((SELECT COALESCE(SUM(t.amount), 0) FROM ledger_transfers t WHERE t.credit_account_id = a.id AND t.phase IN ('single', 'post_pending')) AS BIGINT)",
        ))
        .from_as("ledger_accounts", "a")
        .to_owned();
    let rows: Vec<(i64, i64, i64, i64, i64)> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.1 != r.2 || r.3 != r.4)
        .collect())
}
