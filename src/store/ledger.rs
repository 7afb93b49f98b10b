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

/// The account for (code, currency), if it exists.
pub async fn find_account(c: &mut impl Conn, code: &str, currency: &str) -> Result<Option<i64>> {
    let find = Query::select()
        .column("id")
        .from("ledger_accounts")
        .and_where(Expr::col("code").eq(code))
        .and_where(Expr::col("currency").eq(currency))
        .to_owned();
    Ok(c.opt::<(i64,)>(&find).await?.map(|r| r.0))
}

pub struct NewTransfer<'a> {
    pub idempotency_key: &'a str,
    pub debit_account_id: i64,
    pub credit_account_id: i64,
    pub amount: i64,
    pub currency: &'a str,
    pub code: i64,
    pub project_id: Option<i64>,
    /// Transfers written together for one decision share it (a release's parts).
    pub batch_id: Option<&'a str>,
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
            "batch_id",
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
            t.batch_id.into(),
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

/// Escrows whose amounts disagree with the ledger: (escrow id, currency, held, released +
/// refunded, put into escrow by transfers, taken out of it by transfers). The escrow accounts
/// are one per currency; each transfer names its project.
pub async fn escrow_drift(c: &mut impl Conn) -> Result<Vec<(i64, String, i64, i64, i64, i64)>> {
    let sums = |side: &str| {
        format!(
            "CAST(COALESCE((SELECT SUM(t.amount) FROM ledger_transfers t JOIN ledger_accounts a ON a.id = t.{side}_account_id \
             WHERE t.project_id = e.project_id AND a.kind = 'escrow' AND t.phase IN ('single', 'post_pending')), 0) AS BIGINT)"
        )
    };
    let q = Query::select()
        .column(("e", "id"))
        .column(("e", "currency"))
        .column(("e", "amount_held"))
        .expr(Expr::cust("CAST(e.amount_released + e.amount_refunded AS BIGINT)"))
        .expr(Expr::cust(sums("credit")))
        .expr(Expr::cust(sums("debit")))
        .from_as("escrows", "e")
        .to_owned();
    let rows: Vec<(i64, String, i64, i64, i64, i64)> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.2 != r.4 || r.3 != r.5 || r.3 > r.2)
        .collect())
}

/// Linked transfers that do not hang together: a batch whose transfers mix currencies or
/// projects, or a post/void whose pending transfer is not a pending one between the same
/// accounts. (transfer or batch, what is wrong).
pub async fn broken_links(c: &mut impl Conn) -> Result<Vec<(String, String)>> {
    let batches = Query::select()
        .column("batch_id")
        .from("ledger_transfers")
        .and_where(Expr::col("batch_id").is_not_null())
        .group_by_col("batch_id")
        .and_having(
            Expr::cust("COUNT(DISTINCT currency)")
                .gt(1)
                .or(Expr::cust("COUNT(DISTINCT COALESCE(project_id, 0))").gt(1)),
        )
        .to_owned();
    let mut out: Vec<(String, String)> = c
        .all::<(String,)>(&batches)
        .await?
        .into_iter()
        .map(|(b,)| (b, "mixes currencies or projects".to_owned()))
        .collect();
    let resolved = Query::select()
        .expr(Expr::cust("CAST(t.id AS BIGINT)"))
        .from_as("ledger_transfers", "t")
        .join_as(
            sea_query::JoinType::LeftJoin,
            "ledger_transfers",
            "p",
            Expr::col(("p", "id")).equals(("t", "pending_id")),
        )
        .and_where(Expr::col(("t", "pending_id")).is_not_null())
        .and_where(
            Expr::col(("p", "id"))
                .is_null()
                .or(Expr::col(("p", "phase")).ne("pending"))
                .or(Expr::col(("p", "debit_account_id")).ne(Expr::col(("t", "debit_account_id"))))
                .or(Expr::col(("p", "credit_account_id")).ne(Expr::col(("t", "credit_account_id")))),
        )
        .to_owned();
    out.extend(
        c.all::<(i64,)>(&resolved)
            .await?
            .into_iter()
            .map(|(id,)| (format!("#{id}"), "resolves no matching pending transfer".to_owned())),
    );
    Ok(out)
}

/// Accounts whose posted balance crosses their balance rule: (account id, code, currency).
pub async fn rule_breaches(c: &mut impl Conn) -> Result<Vec<(i64, String, String)>> {
    let q = Query::select()
        .columns(["id", "code", "currency"])
        .from("ledger_accounts")
        .and_where(
            Expr::cust(
                "(balance_rule = 'debits_must_not_exceed_credits' AND debits_posted + debits_pending > credits_posted) \
                 OR (balance_rule = 'credits_must_not_exceed_debits' AND credits_posted + credits_pending > debits_posted)",
            ),
        )
        .order_by("id", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Idempotency keys used more than once (the unique index forbids it; a recount says so).
pub async fn repeated_keys(c: &mut impl Conn) -> Result<Vec<(String,)>> {
    let q = Query::select()
        .column("idempotency_key")
        .from("ledger_transfers")
        .group_by_col("idempotency_key")
        .and_having(Expr::cust("COUNT(*)").gt(1))
        .to_owned();
    c.all(&q).await
}
