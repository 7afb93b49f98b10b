//! The payable sub-ledger: what each project's developer is owed on `developer_payable`, per
//! currency. `store::ledger::post` keeps it in the transfer's own transaction; the generator
//! and a database attached from elsewhere rebuild it from the transfers; `ledger verify`
//! checks it against them. The payouts view and batches read it instead of summing the
//! ledger, so they answer at the same speed on ten rows or a million.

use std::collections::BTreeMap;

use sea_query::{Expr, ExprTrait, Query, SelectStatement};

use super::{Conn, Db, Result, Tx, schema};

/// A transfer of `amount` on project `project_id` between `debit` and `credit`: when either
/// is a developer_payable account, the project's balance moves with it (credit: owed more).
pub async fn keep(
    tx: &mut Tx,
    project_id: i64,
    currency: &str,
    debit: i64,
    credit: i64,
    amount: i64,
) -> Result<()> {
    let t = schema::PAYABLE_BALANCES;
    let moved = Query::select()
        .expr(Expr::val(project_id))
        .expr(Expr::val(currency))
        .expr(Expr::case(Expr::col(("a", "id")).eq(credit), amount).finally(-amount))
        .from_as("ledger_accounts", "a")
        .and_where(Expr::col(("a", "id")).is_in([credit, debit]))
        .and_where(Expr::col(("a", "kind")).eq("developer_payable"))
        .to_owned();
    let q = t
        .insert_select(&["project_id", "currency", "amount"], moved)?
        .on_conflict(
            t.on_conflict(["project_id", "currency"])
                .value(
                    "amount",
                    Expr::col((t.name, "amount")).add(Expr::col(("excluded", "amount"))),
                )
                .to_owned(),
        )
        .to_owned();
    tx.exec(&q).await?;
    Ok(())
}

/// The balances the transfers make: (project, currency, amount) per project and currency.
fn from_transfers() -> SelectStatement {
    Query::select()
        .expr(Expr::col(("t", "project_id")))
        .expr(Expr::col(("t", "currency")))
        .expr(Expr::cust(
            "CAST(SUM(CASE WHEN t.credit_account_id = a.id THEN t.amount ELSE -t.amount END) AS BIGINT)",
        ))
        .from_as("ledger_transfers", "t")
        .join_as(
            sea_query::JoinType::InnerJoin,
            "ledger_accounts",
            "a",
            Expr::col(("a", "kind"))
                .eq("developer_payable")
                .and(Expr::col(("a", "currency")).equals(("t", "currency")))
                .and(
                    Expr::col(("t", "credit_account_id"))
                        .equals(("a", "id"))
                        .or(Expr::col(("t", "debit_account_id")).equals(("a", "id"))),
                ),
        )
        .and_where(Expr::col(("t", "project_id")).is_not_null())
        .group_by_columns([("t", "project_id"), ("t", "currency")])
        .to_owned()
}

/// Recomputes every balance from the transfers (after a bulk load), in one transaction.
pub async fn rebuild(db: &Db) -> Result<u64> {
    let mut tx = db.begin().await?;
    tx.exec(&Query::delete().from_table("payable_balances").to_owned())
        .await?;
    let insert = schema::PAYABLE_BALANCES
        .insert_select(&["project_id", "currency", "amount"], from_transfers())?;
    let n = tx.exec(&insert).await?;
    tx.commit().await?;
    Ok(n)
}

/// (project, currency, kept, from the transfers) wherever the two disagree.
pub async fn disagreements(c: &mut impl Conn) -> Result<Vec<(i64, String, i64, i64)>> {
    let kept_q = Query::select()
        .columns(["project_id", "currency", "amount"])
        .from("payable_balances")
        .to_owned();
    let kept: Vec<(i64, String, i64)> = c.all(&kept_q).await?;
    let sums_q = from_transfers();
    let sums: Vec<(i64, String, i64)> = c.all(&sums_q).await?;
    let mut by: BTreeMap<(i64, String), (i64, i64)> = BTreeMap::new();
    for (p, cur, a) in kept {
        by.entry((p, cur)).or_default().0 = a;
    }
    for (p, cur, a) in sums {
        by.entry((p, cur)).or_default().1 = a;
    }
    Ok(by
        .into_iter()
        .filter(|(_, (k, s))| k != s)
        .map(|((p, cur), (k, s))| (p, cur, k, s))
        .collect())
}
