//! The payable sub-ledger: what each project's developer is owed on `developer_payable`, per
//! currency. `store::ledger::post` keeps it in the transfer's own transaction; the generator
//! and a database attached from elsewhere rebuild it from the transfers; `ledger verify`
//! checks it against them. The payouts view and batches read it instead of summing the
//! ledger, so they answer at the same speed on ten rows or a million.

use std::collections::BTreeMap;

use sea_query::{Expr, ExprTrait, Query};
use sqlx::AssertSqlSafe;

use super::{Conn, Db, Result, Tx};

const KEEP: &str = "INSERT INTO payable_balances (project_id, currency, amount) \
    SELECT $1, $2, CASE WHEN a.id = $3 THEN $4 ELSE -$4 END FROM ledger_accounts a \
    WHERE a.id IN ($3, $5) AND a.kind = 'developer_payable' \
    ON CONFLICT (project_id, currency) \
    DO UPDATE SET amount = payable_balances.amount + excluded.amount";

/// The balances the transfers make, per project and currency.
const FROM_TRANSFERS: &str = "SELECT t.project_id AS project_id, t.currency AS currency, \
    CAST(SUM(CASE WHEN t.credit_account_id = a.id THEN t.amount ELSE -t.amount END) AS BIGINT) \
    AS amount \
    FROM ledger_transfers t JOIN ledger_accounts a \
      ON a.kind = 'developer_payable' AND a.currency = t.currency \
     AND (t.credit_account_id = a.id OR t.debit_account_id = a.id) \
    WHERE t.project_id IS NOT NULL GROUP BY t.project_id, t.currency";

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
    match tx {
        // SQLite reads `$n` as a named parameter: the same number binds the same value.
        Tx::Sqlite(t) => {
            sqlx::query(AssertSqlSafe(KEEP.replace('$', "?")))
                .bind(project_id)
                .bind(currency)
                .bind(credit)
                .bind(amount)
                .bind(debit)
                .execute(&mut **t)
                .await?;
        }
        Tx::Postgres(t) => {
            sqlx::query(AssertSqlSafe(KEEP))
                .bind(project_id)
                .bind(currency)
                .bind(credit)
                .bind(amount)
                .bind(debit)
                .execute(&mut **t)
                .await?;
        }
    }
    Ok(())
}

/// Recomputes every balance from the transfers (after a bulk load).
pub async fn rebuild(db: &Db) -> Result<u64> {
    let insert = format!(
        "INSERT INTO payable_balances (project_id, currency, amount) \
         SELECT project_id, currency, amount FROM ({FROM_TRANSFERS}) s"
    );
    let n = match db {
        Db::Sqlite(p) => {
            let mut t = p.begin().await?;
            sqlx::query("DELETE FROM payable_balances")
                .execute(&mut *t)
                .await?;
            let n = sqlx::query(AssertSqlSafe(insert)).execute(&mut *t).await?;
            t.commit().await?;
            n.rows_affected()
        }
        Db::Postgres(p) => {
            let mut t = p.begin().await?;
            sqlx::query("DELETE FROM payable_balances")
                .execute(&mut *t)
                .await?;
            let n = sqlx::query(AssertSqlSafe(insert)).execute(&mut *t).await?;
            t.commit().await?;
            n.rows_affected()
        }
    };
    Ok(n)
}

/// (project, currency, kept, from the transfers) wherever the two disagree.
pub async fn disagreements(c: &mut impl Conn) -> Result<Vec<(i64, String, i64, i64)>> {
    let kept_q = Query::select()
        .columns(["project_id", "currency", "amount"])
        .from("payable_balances")
        .to_owned();
    let kept: Vec<(i64, String, i64)> = c.all(&kept_q).await?;
    let sums_q = Query::select()
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
        .to_owned();
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
