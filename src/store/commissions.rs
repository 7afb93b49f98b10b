//! commissions and ext_commissions: the approval queue, detail and compare-and-set decisions.
//! Both tables share the decision columns, so one module serves both through `Ledger`.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Order, Query, SelectStatement, Value};

use super::page::{Anchor, Cursor, Keyset, Page, SortDir, SortValue, contains_pattern, finish};
use super::{Conn, Result, Tx, schema};

/// Which of the two commission tables a decision applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Platform,
    External,
}

impl Kind {
    pub fn table(self) -> &'static str {
        self.schema().name
    }
    fn schema(self) -> schema::Table {
        match self {
            Kind::Platform => schema::COMMISSIONS,
            Kind::External => schema::EXT_COMMISSIONS,
        }
    }
    /// The morph alias used in audit rows and notifications.
    pub fn alias(self) -> &'static str {
        match self {
            Kind::Platform => "commission",
            Kind::External => "ext_commission",
        }
    }
}

/// One commission with what the queue and the rules need to know about it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CommissionRow {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub project_status: String,
    pub client_id: i64,
    pub client_name: String,
    pub developer_id: Option<i64>,
    pub developer_name: Option<String>,
    pub gross_amount: i64,
    pub rate_bps: i64,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub requested_by: i64,
    pub requester_name: String,
    pub first_approved_by: Option<i64>,
    pub first_approver_name: Option<String>,
    pub first_approved_at: Option<DateTime<Utc>>,
    pub approved_by: Option<i64>,
    pub approver_name: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub rejected_by: Option<i64>,
    pub rejecter_name: Option<String>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub paid_by: Option<i64>,
    pub payer_name: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<i64>,
    pub canceller_name: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub payment_reference: Option<String>,
    pub ledger_transfer_id: Option<i64>,
    pub lock_version: i64,
    pub created_at: Option<DateTime<Utc>>,
    /// Sum of the project's live external commissions (platform rows) or this row's own
    /// contributor label (external rows use `contributor`).
    pub ext_total: i64,
    pub contributor: Option<String>,
    /// Filled by the reader from settings: above this amount two approvers are needed.
    #[sqlx(skip)]
    pub dual_threshold: Option<i64>,
}

impl CommissionRow {
    /// Whether this commission needs two distinct approvers.
    pub fn needs_two(&self) -> bool {
        self.dual_threshold.is_some_and(|t| self.amount > t)
    }
}

fn base(kind: Kind) -> SelectStatement {
    let person = |alias: &'static str, col: &'static str| {
        (alias, Expr::col((alias, "id")).equals(("c", col)))
    };
    let mut q = Query::select();
    q.columns([
        ("c", "id"),
        ("c", "project_id"),
        ("c", "amount"),
        ("c", "currency"),
        ("c", "status"),
        ("c", "requested_by"),
        ("c", "first_approved_by"),
        ("c", "first_approved_at"),
        ("c", "approved_by"),
        ("c", "approved_at"),
        ("c", "rejected_by"),
        ("c", "rejected_at"),
        ("c", "rejection_reason"),
        ("c", "paid_by"),
        ("c", "paid_at"),
        ("c", "cancelled_by"),
        ("c", "cancelled_at"),
        ("c", "payment_reference"),
        ("c", "ledger_transfer_id"),
        ("c", "lock_version"),
        ("c", "created_at"),
    ])
    .expr_as(Expr::col(("rq", "name")), "requester_name")
    .expr_as(Expr::col(("fa", "name")), "first_approver_name")
    .expr_as(Expr::col(("ap", "name")), "approver_name")
    .expr_as(Expr::col(("rj", "name")), "rejecter_name")
    .expr_as(Expr::col(("pb", "name")), "payer_name")
    .expr_as(Expr::col(("cb", "name")), "canceller_name")
    .from_as(kind.table(), "c");
    super::projects::with_project(&mut q, "c");
    for (alias, cond) in [
        person("rq", "requested_by"),
        person("fa", "first_approved_by"),
        person("ap", "approved_by"),
        person("rj", "rejected_by"),
        person("pb", "paid_by"),
        person("cb", "cancelled_by"),
    ] {
        let join = if alias == "rq" {
            JoinType::InnerJoin
        } else {
            JoinType::LeftJoin
        };
        q.join_as(join, "users", alias, cond);
    }
    match kind {
        Kind::Platform => {
            q.columns([("c", "gross_amount"), ("c", "rate_bps")]).expr_as(
                Expr::cust(
                    "(SELECT CAST(COALESCE(SUM(e.amount), 0) AS BIGINT) FROM ext_commissions e \
                     WHERE e.project_id = c.project_id AND e.status IN ('pending', 'approved', 'paid'))",
                ),
                "ext_total",
            )
            .expr_as(Expr::cust("CAST(NULL AS TEXT)"), "contributor");
        }
        Kind::External => {
            // An external commission is a share of the developer's part: its own amount is
            // its "gross", and a fixed one has no rate.
            q.expr_as(Expr::col(("c", "amount")), "gross_amount")
                .expr_as(Expr::cust("COALESCE(c.rate_bps, 0)"), "rate_bps")
                .expr_as(Expr::cust("CAST(0 AS BIGINT)"), "ext_total")
                .expr_as(
                    Expr::cust("COALESCE(c.contributor_name, (SELECT u.name FROM users u WHERE u.id = c.contributor_user_id)) || ' · ' || c.role"),
                    "contributor",
                );
        }
    }
    q.to_owned()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Oldest request first (the work-queue order).
    #[default]
    Oldest,
    Newest,
    AmountDesc,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub statuses: Vec<String>,
    pub currency: Option<String>,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    /// Part of the project title, client or developer name.
    pub text: Option<String>,
    /// Only rows this user could approve now (pending, not requester/client/developer/first approver).
    pub approvable_by: Option<i64>,
    pub project_id: Option<i64>,
    /// Paid in `[from, to)` (the commissions a month's revenue counts).
    pub paid_between: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Sort {
    fn keyset(self) -> Keyset {
        match self {
            Sort::Oldest => Keyset::by(
                Expr::col(("c", "created_at")),
                Expr::col(("c", "id")),
                SortDir::Asc,
            ),
            Sort::Newest => Keyset::by(
                Expr::col(("c", "created_at")),
                Expr::col(("c", "id")),
                SortDir::Desc,
            ),
            Sort::AmountDesc => Keyset::by(
                Expr::col(("c", "amount")),
                Expr::col(("c", "id")),
                SortDir::Desc,
            ),
        }
    }
    pub fn cursor(self, row: &CommissionRow) -> Cursor {
        let key = match self {
            Sort::Oldest | Sort::Newest => row.created_at.map(SortValue::Time),
            Sort::AmountDesc => Some(SortValue::Int(row.amount)),
        };
        Cursor { key, id: row.id }
    }
}

fn apply_filter(q: &mut SelectStatement, f: &Filter) {
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("c", "status")).is_in(f.statuses.iter().map(String::as_str)));
    }
    if let Some(cur) = &f.currency {
        q.and_where(Expr::col(("c", "currency")).eq(cur.as_str()));
    }
    if let Some(min) = f.min_amount {
        q.and_where(Expr::col(("c", "amount")).gte(min));
    }
    if let Some(max) = f.max_amount {
        q.and_where(Expr::col(("c", "amount")).lte(max));
    }
    if let Some(pid) = f.project_id {
        q.and_where(Expr::col(("c", "project_id")).eq(pid));
    }
    if let Some((from, to)) = f.paid_between {
        q.and_where(Expr::col(("c", "paid_at")).gte(from));
        q.and_where(Expr::col(("c", "paid_at")).lt(to));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(text)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("p", "title")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("cl", "name"))).like(pattern.clone()))
                .or(Func::lower(Expr::col(("dv", "name"))).like(pattern)),
        );
    }
    if let Some(uid) = f.approvable_by {
        q.and_where(Expr::col(("c", "status")).eq("pending"))
            .and_where(Expr::col(("c", "requested_by")).ne(uid))
            .and_where(Expr::col(("p", "client_id")).ne(uid))
            .and_where(
                Expr::col(("p", "developer_id"))
                    .is_null()
                    .or(Expr::col(("p", "developer_id")).ne(uid)),
            )
            .and_where(
                Expr::col(("c", "first_approved_by"))
                    .is_null()
                    .or(Expr::col(("c", "first_approved_by")).ne(uid)),
            );
    }
}

pub async fn page(
    c: &mut impl Conn,
    kind: Kind,
    f: &Filter,
    sort: Sort,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<CommissionRow>> {
    let mut q = base(kind);
    apply_filter(&mut q, f);
    sort.keyset().apply(&mut q, anchor, limit);
    let rows = c.all(&q).await?;
    Ok(finish(rows, anchor, limit))
}

pub async fn get(c: &mut impl Conn, kind: Kind, id: i64) -> Result<Option<CommissionRow>> {
    let mut q = base(kind);
    q.and_where(Expr::col(("c", "id")).eq(id));
    c.opt(&q).await
}

/// The external commissions of a project (for the split in the detail pane).
pub async fn externals_of_project(
    c: &mut impl Conn,
    project_id: i64,
) -> Result<Vec<CommissionRow>> {
    let mut q = base(Kind::External);
    q.and_where(Expr::col(("c", "project_id")).eq(project_id))
        .order_by(("c", "id"), Order::Asc);
    c.all(&q).await
}

/// Compare-and-set: applies `values` only if the row is still in `expected_status` at
/// `lock_version`; bumps lock_version. Returns false when someone else changed it first.
pub async fn cas_update(
    tx: &mut Tx,
    kind: Kind,
    id: i64,
    expected_status: &str,
    lock_version: i64,
    values: Vec<(&'static str, Value)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = kind
        .schema()
        .cas_update(id, lock_version, values, now)
        .and_where(Expr::col("status").eq(expected_status))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

pub struct NewCommission<'a> {
    pub project_id: i64,
    pub gross_amount: i64,
    pub rate_bps: i64,
    pub amount: i64,
    pub currency: &'a str,
    pub requested_by: i64,
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, n: &NewCommission<'_>) -> Result<i64> {
    let q = schema::COMMISSIONS.insert_new(
        n.now,
        [
            ("project_id", n.project_id.into()),
            ("gross_amount", n.gross_amount.into()),
            ("rate_bps", n.rate_bps.into()),
            ("amount", n.amount.into()),
            ("currency", n.currency.into()),
            ("status", "pending".into()),
            ("requested_by", n.requested_by.into()),
        ],
    );
    tx.insert_id(&q).await
}

/// A project's live (pending or approved) commissions of one kind, oldest first.
pub async fn live_of_project(
    c: &mut impl Conn,
    kind: Kind,
    project_id: i64,
) -> Result<Vec<CommissionRow>> {
    let mut q = base(kind);
    q.and_where(Expr::col(("c", "project_id")).eq(project_id))
        .and_where(Expr::col(("c", "status")).is_in(["pending", "approved"]))
        .order_by(("c", "id"), Order::Asc);
    c.all(&q).await
}
