//! escrows: each project's held funds, with its project and parties; the payment transactions
//! and ledger transfers that belong to one; compare-and-set changes.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Order, Query, SelectStatement, Value};

use super::page::{Anchor, Keyset, Page, SortDir, contains_pattern, finish};
use super::{Conn, Result, Tx};

/// Transfer codes (the `code` column of `ledger_transfers`), shared with the generator.
pub mod code {
    pub const COLLECTION: i64 = 1;
    pub const COMMISSION: i64 = 2;
    pub const CONTRIBUTOR: i64 = 3;
    pub const HOLD: i64 = 4;
    pub const RELEASE: i64 = 5;
    pub const PAYOUT: i64 = 6;
    pub const PSP_FEE: i64 = 7;
    pub const REFUND: i64 = 8;
    pub const REFUND_PAYOUT: i64 = 9;
    pub const REFERRAL: i64 = 10;
    pub const CONTRIBUTOR_PAYOUT: i64 = 11;
    /// The old platform's fee, taken at release before commissions were requested.
    pub const PLATFORM_FEE: i64 = 12;
    // 13 is a failed payout's return (`service::payouts::PAYOUT_RETURN`).
    /// An approved, unpaid referral reward cancelled: referral payable back to revenue.
    pub const REFERRAL_REVERSAL: i64 = 14;
    /// A paid referral reward clawed back: the referrer owes it (referral receivable).
    pub const CLAWBACK: i64 = 15;
    /// A clawback netted from a payout: out of the clearing account into the receivable.
    pub const NETTING: i64 = 16;
    /// A failed payout's netting undone: the clawback is owed again.
    pub const NETTING_RETURN: i64 = 17;
    /// A failed payout of a reward clawed back meanwhile: the money never left, so the
    /// returned payable settles the receivable.
    pub const CLAWBACK_SETTLED: i64 = 18;
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct EscrowRow {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub project_status: String,
    pub client_id: i64,
    pub client_name: String,
    pub developer_id: Option<i64>,
    pub developer_name: Option<String>,
    pub currency: String,
    pub amount_held: i64,
    pub amount_released: i64,
    pub amount_refunded: i64,
    pub status: String,
    pub provider: Option<String>,
    /// When the client was last asked to validate (auto-release counts from it).
    pub delivered_at: Option<DateTime<Utc>>,
    pub lock_version: i64,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// A decision above the dual-approval threshold waiting for a second finance member
    /// (JSON text), who asked, when.
    pub pending_decision: Option<String>,
    pub pending_by: Option<i64>,
    pub pending_by_name: Option<String>,
    pub pending_at: Option<DateTime<Utc>>,
}

impl EscrowRow {
    pub fn amounts(&self) -> crate::domain::escrow::Amounts {
        crate::domain::escrow::Amounts {
            held: self.amount_held,
            released: self.amount_released,
            refunded: self.amount_refunded,
        }
    }
}

fn base() -> SelectStatement {
    let mut q = Query::select()
        .columns([
            ("e", "id"),
            ("e", "project_id"),
            ("e", "currency"),
            ("e", "amount_held"),
            ("e", "amount_released"),
            ("e", "amount_refunded"),
            ("e", "status"),
            ("e", "provider"),
            ("e", "lock_version"),
            ("e", "created_at"),
            ("e", "updated_at"),
            ("e", "pending_by"),
            ("e", "pending_at"),
        ])
        .expr_as(
            Expr::cust("CAST(e.pending_decision AS TEXT)"),
            "pending_decision",
        )
        .expr_as(Expr::col(("pb", "name")), "pending_by_name")
        .expr_as(Expr::col(("p", "delivered_at")), "delivered_at")
        .from_as("escrows", "e")
        .to_owned();
    super::projects::with_project(&mut q, "e");
    q.join_as(
        JoinType::LeftJoin,
        "users",
        "pb",
        Expr::col(("pb", "id")).equals(("e", "pending_by")),
    );
    q
}

/// What the Escrow view narrows to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub statuses: Vec<String>,
    pub currencies: Vec<String>,
    pub providers: Vec<String>,
    /// Only escrows whose client has not answered a delivery since this instant: due for
    /// auto-release.
    pub delivered_before: Option<DateTime<Utc>>,
    pub project_id: Option<i64>,
    /// Words of the project's title or of the client's or developer's name.
    pub text: Option<String>,
}

/// A window of the escrows, newest first, by keyset on the id. Several statuses are read one
/// status at a time, each along `escrows_status_index` in id order, and merged: a list of
/// statuses bound as parameters would otherwise be sorted whole.
pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<EscrowRow>> {
    if f.statuses.len() <= 1 {
        return Ok(finish(window(c, f, anchor, limit).await?, anchor, limit));
    }
    let mut rows = Vec::new();
    for status in &f.statuses {
        let one = Filter {
            statuses: vec![status.clone()],
            ..f.clone()
        };
        rows.extend(window(c, &one, anchor, limit).await?);
    }
    // The query order: newest first, but oldest first when reading backwards.
    let backwards = matches!(anchor, Anchor::Last | Anchor::Before(_));
    rows.sort_by_key(|r| if backwards { r.id } else { -r.id });
    rows.truncate(limit as usize + 1);
    Ok(finish(rows, anchor, limit))
}

/// The rows of one window in query order (`limit` + 1 at most), before `finish`.
async fn window(
    c: &mut impl Conn,
    f: &Filter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Vec<EscrowRow>> {
    let mut q = base();
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("e", "status")).is_in(f.statuses.iter().cloned()));
    }
    if !f.currencies.is_empty() {
        q.and_where(Expr::col(("e", "currency")).is_in(f.currencies.iter().cloned()));
    }
    if !f.providers.is_empty() {
        q.and_where(Expr::col(("e", "provider")).is_in(f.providers.iter().cloned()));
    }
    if let Some(before) = f.delivered_before {
        q.and_where(Expr::col(("p", "status")).eq("delivered"))
            .and_where(Expr::col(("p", "delivered_at")).lt(before))
            .and_where(Expr::col(("e", "status")).is_in(["held", "partially_released"]));
    }
    if let Some(p) = f.project_id {
        q.and_where(Expr::col(("e", "project_id")).eq(p));
    }
    if let Some(t) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(t)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("p", "title")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("cl", "name"))).like(pattern.clone()))
                .or(Func::lower(Expr::col(("dv", "name"))).like(pattern)),
        );
    }
    Keyset::by_id(Expr::col(("e", "id")), SortDir::Desc).apply(&mut q, anchor, limit);
    c.all(&q).await
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<EscrowRow>> {
    let mut q = base();
    q.and_where(Expr::col(("e", "id")).eq(id));
    c.opt(&q).await
}

pub async fn of_project(c: &mut impl Conn, project_id: i64) -> Result<Option<EscrowRow>> {
    let mut q = base();
    q.and_where(Expr::col(("e", "project_id")).eq(project_id));
    c.opt(&q).await
}

/// Moves the escrow's amounts and status if nobody changed it since `lock_version`.
pub async fn cas_update(
    tx: &mut Tx,
    id: i64,
    lock_version: i64,
    amounts: crate::domain::escrow::Amounts,
    status: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = Query::update()
        .table("escrows")
        .value("amount_released", amounts.released)
        .value("amount_refunded", amounts.refunded)
        .value("status", status)
        .value("updated_at", now)
        .value("lock_version", Expr::col("lock_version").add(1))
        // A decision carried out settles whatever waited for a second approval.
        .value("pending_decision", Value::Json(None))
        .value("pending_by", Option::<i64>::None)
        .value("pending_at", Option::<DateTime<Utc>>::None)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("lock_version").eq(lock_version))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// Records (or, with None, withdraws) the decision waiting for a second approval.
pub async fn set_pending(
    tx: &mut Tx,
    id: i64,
    lock_version: i64,
    pending: Option<(serde_json::Value, i64)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let (decision, by, at) = match pending {
        Some((d, by)) => (Value::Json(Some(Box::new(d))), Some(by), Some(now)),
        None => (Value::Json(None), None, None),
    };
    let q = Query::update()
        .table("escrows")
        .value("pending_decision", decision)
        .value("pending_by", by)
        .value("pending_at", at)
        .value("updated_at", now)
        .value("lock_version", Expr::col("lock_version").add(1))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("lock_version").eq(lock_version))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub project_id: Option<i64>,
    pub escrow_id: Option<i64>,
    pub provider: String,
    pub provider_reference: String,
    pub direction: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub failure_reason: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The escrow's payment transactions, oldest first (at most `limit`).
pub async fn payments(c: &mut impl Conn, escrow_id: i64, limit: u64) -> Result<Vec<PaymentRow>> {
    let q = super::payments::select()
        .and_where(Expr::col("escrow_id").eq(escrow_id))
        .order_by("id", Order::Asc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TransferRow {
    pub id: i64,
    pub idempotency_key: String,
    pub debit_account_id: i64,
    pub debit_code: String,
    pub credit_account_id: i64,
    pub credit_code: String,
    pub amount: i64,
    pub currency: String,
    pub phase: String,
    pub code: i64,
    pub project_id: Option<i64>,
    pub batch_id: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

/// Every ledger transfer of a project, in the order they were written (at most `limit`).
pub async fn transfers(c: &mut impl Conn, project_id: i64, limit: u64) -> Result<Vec<TransferRow>> {
    let q = super::ledger::transfer_select()
        .and_where(Expr::col(("t", "project_id")).eq(project_id))
        .order_by(("t", "id"), Order::Asc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}

/// What already left a project's escrow, by transfer code, with each transfer's key (the
/// contributor's share names its external commission in it).
pub async fn moved_out(
    c: &mut impl Conn,
    project_id: i64,
    escrow_account: i64,
) -> Result<Vec<(i64, String, i64)>> {
    let q = Query::select()
        .columns(["code", "idempotency_key", "amount"])
        .from("ledger_transfers")
        .and_where(Expr::col("project_id").eq(project_id))
        .and_where(Expr::col("debit_account_id").eq(escrow_account))
        .order_by("id", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// The project's live commission (pending, approved or paid): (amount, status).
pub async fn live_commission(c: &mut impl Conn, project_id: i64) -> Result<Option<(i64, String)>> {
    let q = Query::select()
        .columns(["amount", "status"])
        .from("commissions")
        .and_where(Expr::col("project_id").eq(project_id))
        .and_where(Expr::col("status").is_in(["pending", "approved", "paid"]))
        .order_by("id", Order::Desc)
        .limit(1)
        .to_owned();
    c.opt(&q).await
}

/// The project's approved or paid external commissions: (id, amount).
pub async fn contributor_shares(c: &mut impl Conn, project_id: i64) -> Result<Vec<(i64, i64)>> {
    let q = Query::select()
        .columns(["id", "amount"])
        .from("ext_commissions")
        .and_where(Expr::col("project_id").eq(project_id))
        .and_where(Expr::col("status").is_in(["approved", "paid"]))
        .order_by("id", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Sets a value on the escrow's payment transaction, compare-and-set on its status.
pub async fn set_payment_status(
    tx: &mut Tx,
    id: i64,
    from: &str,
    values: Vec<(&'static str, Value)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut q = Query::update();
    q.table("payment_transactions")
        .values(values.into_iter().map(|(c, v)| (c, Expr::val(v))))
        .value("updated_at", now)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("status").eq(from));
    Ok(tx.exec(&q).await? == 1)
}

/// Funds arrived and are held: `amount` held, the status `held`, if nobody changed the escrow.
pub async fn fund(
    tx: &mut Tx,
    id: i64,
    lock_version: i64,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = Query::update()
        .table("escrows")
        .value("amount_held", Expr::col("amount_held").add(amount))
        .value("status", "held")
        .value("updated_at", now)
        .value("lock_version", Expr::col("lock_version").add(1))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("lock_version").eq(lock_version))
        .and_where(Expr::col("status").eq("awaiting_funds"))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// The last transfer that moved the platform's part (or external commission `external`'s
/// part) of a project out of escrow.
pub async fn last_part_transfer(
    c: &mut impl Conn,
    project_id: i64,
    external: Option<i64>,
) -> Result<Option<i64>> {
    let mut q = Query::select();
    q.expr(Expr::cust("CAST(MAX(id) AS BIGINT)"))
        .from("ledger_transfers")
        .and_where(Expr::col("project_id").eq(project_id));
    match external {
        None => {
            q.and_where(Expr::col("code").is_in([code::COMMISSION, code::PLATFORM_FEE]));
        }
        Some(id) => {
            q.and_where(Expr::col("code").eq(code::CONTRIBUTOR))
                .and_where(
                    Expr::col("idempotency_key")
                        .like(format!("%:ext{id}"))
                        .or(Expr::col("idempotency_key").like(format!("ext_commission:{id}:%"))),
                );
        }
    }
    Ok(c.opt::<(Option<i64>,)>(&q).await?.and_then(|r| r.0))
}
