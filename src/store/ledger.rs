//! The double-entry ledger: accounts with cached totals and append-only transfers.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};

use super::{Conn, Result, Tx, schema};

/// Finds the account for (code, currency), creating it on first use.
pub async fn account(
    tx: &mut Tx,
    code: &str,
    kind: &str,
    currency: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    if let Some(id) = find_account(tx, code, currency).await? {
        return Ok(id);
    }
    // Two first postings in a currency at once both find no account: the second insert waits
    // for the first and yields, then both read the one account.
    let t = schema::LEDGER_ACCOUNTS;
    let insert = t
        .insert_new(
            now,
            [
                ("code", code.into()),
                ("kind", kind.into()),
                ("currency", currency.into()),
            ],
        )
        .on_conflict(t.skip_existing(["code", "currency"]))
        .to_owned();
    tx.exec(&insert).await?;
    match find_account(tx, code, currency).await? {
        Some(id) => Ok(id),
        None => Err(sqlx::Error::RowNotFound.into()),
    }
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
    let insert = schema::LEDGER_TRANSFERS.insert([
        ("idempotency_key", t.idempotency_key.into()),
        ("debit_account_id", t.debit_account_id.into()),
        ("credit_account_id", t.credit_account_id.into()),
        ("amount", t.amount.into()),
        ("currency", t.currency.into()),
        ("phase", "single".into()),
        ("code", t.code.into()),
        ("project_id", t.project_id.into()),
        ("batch_id", t.batch_id.into()),
        ("created_at", t.now.into()),
    ]);
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
    if let Some(project) = t.project_id {
        super::payable::keep(
            tx,
            project,
            t.currency,
            t.debit_account_id,
            t.credit_account_id,
            t.amount,
        )
        .await?;
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

/// Every posted transfer summed: per account (debits, credits) and, for the escrow accounts,
/// per project (into escrow, out of it). Two grouped passes over the transfers, done by the
/// database: one by (debit, credit) account pair (a few dozen groups), one by project over
/// the transfers that touch an escrow account.
#[derive(Debug, Default)]
pub struct Recount {
    pub debits: std::collections::HashMap<i64, i64>,
    pub credits: std::collections::HashMap<i64, i64>,
    pub escrow_in: std::collections::HashMap<i64, i64>,
    pub escrow_out: std::collections::HashMap<i64, i64>,
}

pub async fn recount(c: &mut impl Conn) -> Result<Recount> {
    let posted = || Expr::col("phase").is_in(["single", "post_pending"]);
    let mut out = Recount::default();
    let pairs = Query::select()
        .expr(Expr::cust("CAST(debit_account_id AS BIGINT)"))
        .expr(Expr::cust("CAST(credit_account_id AS BIGINT)"))
        .expr(Expr::cust("CAST(SUM(amount) AS BIGINT)"))
        .from("ledger_transfers")
        .and_where(posted())
        .group_by_col("debit_account_id")
        .group_by_col("credit_account_id")
        .to_owned();
    for (debit, credit, amount) in c.all::<(i64, i64, i64)>(&pairs).await? {
        *out.debits.entry(debit).or_default() += amount;
        *out.credits.entry(credit).or_default() += amount;
    }
    let escrow: Vec<String> = c
        .all::<(i64,)>(
            &Query::select()
                .column("id")
                .from("ledger_accounts")
                .and_where(Expr::col("kind").eq("escrow"))
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|r| r.0.to_string())
        .collect();
    if escrow.is_empty() {
        return Ok(out);
    }
    // Account ids read just above, written inline so the planner sees them.
    let ids = escrow.join(", ");
    let flows = Query::select()
        .expr(Expr::cust("CAST(project_id AS BIGINT)"))
        .expr(Expr::cust(format!(
            "CAST(SUM(CASE WHEN credit_account_id IN ({ids}) THEN amount ELSE 0 END) AS BIGINT)"
        )))
        .expr(Expr::cust(format!(
            "CAST(SUM(CASE WHEN debit_account_id IN ({ids}) THEN amount ELSE 0 END) AS BIGINT)"
        )))
        .from("ledger_transfers")
        .and_where(posted())
        .and_where(Expr::col("project_id").is_not_null())
        .and_where(Expr::cust(format!(
            "(credit_account_id IN ({ids}) OR debit_account_id IN ({ids}))"
        )))
        .group_by_col("project_id")
        .to_owned();
    for (project, into, from) in c.all::<(i64, i64, i64)>(&flows).await? {
        out.escrow_in.insert(project, into);
        out.escrow_out.insert(project, from);
    }
    Ok(out)
}

/// Accounts whose cached posted totals differ from the recount of their transfers:
/// (account id, cached debits, recounted debits, cached credits, recounted credits).
pub async fn drifted_accounts(
    c: &mut impl Conn,
    recount: &Recount,
) -> Result<Vec<(i64, i64, i64, i64, i64)>> {
    let accounts = Query::select()
        .columns(["id", "debits_posted", "credits_posted"])
        .from("ledger_accounts")
        .to_owned();
    let rows: Vec<(i64, i64, i64)> = c.all(&accounts).await?;
    Ok(rows
        .into_iter()
        .map(|(id, d, cr)| {
            let rd = recount.debits.get(&id).copied().unwrap_or(0);
            let rc = recount.credits.get(&id).copied().unwrap_or(0);
            (id, d, rd, cr, rc)
        })
        .filter(|r| r.1 != r.2 || r.3 != r.4)
        .collect())
}

/// Escrows whose amounts disagree with the ledger: (escrow id, currency, held, released +
/// refunded, put into escrow by transfers, taken out of it by transfers). The escrow accounts
/// are one per currency; each transfer names its project.
pub async fn escrow_drift(
    c: &mut impl Conn,
    recount: &Recount,
) -> Result<Vec<(i64, String, i64, i64, i64, i64)>> {
    let q = Query::select()
        .columns(["id", "project_id", "currency", "amount_held"])
        .expr(Expr::cust(
            "CAST(amount_released + amount_refunded AS BIGINT)",
        ))
        .from("escrows")
        .to_owned();
    let rows: Vec<(i64, i64, String, i64, i64)> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, project, currency, held, out_total)| {
            let put_in = recount.escrow_in.get(&project).copied().unwrap_or(0);
            let taken_out = recount.escrow_out.get(&project).copied().unwrap_or(0);
            (held != put_in || out_total != taken_out || out_total > held)
                .then_some((id, currency, held, out_total, put_in, taken_out))
        })
        .collect())
}

/// Linked transfers that do not hang together: an escrow decision's batch whose transfers mix
/// currencies or projects, or a post/void whose pending transfer is not a pending one between the same
/// accounts. (transfer or batch, what is wrong).
pub async fn broken_links(c: &mut impl Conn) -> Result<Vec<(String, String)>> {
    let batches = Query::select()
        .column("batch_id")
        .from("ledger_transfers")
        // A decision on one escrow (funding, release, refund, dispute) stays within its
        // project and currency; payout batches span developers and projects.
        .and_where(Expr::cust(
            "(batch_id LIKE 'fund:%' OR batch_id LIKE 'release:%' OR batch_id LIKE 'refund:%' OR batch_id LIKE 'dispute:%')",
        ))
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
    let resolved =
        Query::select()
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
                    .or(Expr::col(("p", "debit_account_id"))
                        .ne(Expr::col(("t", "debit_account_id"))))
                    .or(Expr::col(("p", "credit_account_id"))
                        .ne(Expr::col(("t", "credit_account_id")))),
            )
            .to_owned();
    out.extend(c.all::<(i64,)>(&resolved).await?.into_iter().map(|(id,)| {
        (
            format!("#{id}"),
            "resolves no matching pending transfer".to_owned(),
        )
    }));
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

// ---- The Ledger view's reads: accounts, transfers by keyset, one transfer's surroundings.

use sea_query::{JoinType, LikeExpr, SelectStatement};

use super::escrows::TransferRow;
use super::page::{Anchor, Keyset, Page, SortDir, finish};

/// An account with its cached totals (balance: credits − debits posted).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub currency: String,
    pub balance_rule: String,
    pub debits_pending: i64,
    pub debits_posted: i64,
    pub credits_pending: i64,
    pub credits_posted: i64,
    pub updated_at: Option<DateTime<Utc>>,
}

impl AccountRow {
    /// Credits less debits posted.
    pub fn balance(&self) -> i64 {
        self.credits_posted - self.debits_posted
    }
}

fn account_select() -> SelectStatement {
    Query::select()
        .columns([
            "id",
            "code",
            "kind",
            "currency",
            "balance_rule",
            "debits_pending",
            "debits_posted",
            "credits_pending",
            "credits_posted",
            "updated_at",
        ])
        .from("ledger_accounts")
        .to_owned()
}

/// Every account, by currency then id (a few hundred at most).
pub async fn accounts(c: &mut impl Conn) -> Result<Vec<AccountRow>> {
    let mut q = account_select();
    q.order_by("currency", Order::Asc)
        .order_by("id", Order::Asc);
    c.all(&q).await
}

/// One account with its cached totals.
pub async fn account_row(c: &mut impl Conn, id: i64) -> Result<Option<AccountRow>> {
    let mut q = account_select();
    q.and_where(Expr::col("id").eq(id));
    c.opt(&q).await
}

/// The ids of the accounts with one of these codes (in these currencies, if any are given).
pub async fn account_ids(
    c: &mut impl Conn,
    codes: &[String],
    currencies: &[String],
) -> Result<Vec<i64>> {
    let mut q = Query::select()
        .column("id")
        .from("ledger_accounts")
        .and_where(Expr::col("code").is_in(codes.iter().cloned()))
        .order_by("id", Order::Asc)
        .to_owned();
    if !currencies.is_empty() {
        q.and_where(Expr::col("currency").is_in(currencies.iter().cloned()));
    }
    Ok(c.all::<(i64,)>(&q)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect())
}

/// What the Ledger view's transfers narrow to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransferFilter {
    /// Account codes (`escrow`): transfers debiting or crediting one of them.
    pub accounts: Vec<String>,
    pub currencies: Vec<String>,
    pub code: Option<i64>,
    pub project_id: Option<i64>,
    pub batch_id: Option<String>,
    /// The start of an idempotency key (`release:p12`).
    pub key_prefix: Option<String>,
}

/// Transfers with the codes of both their accounts (`TransferRow`).
pub(super) fn transfer_select() -> SelectStatement {
    Query::select()
        .columns([
            ("t", "id"),
            ("t", "idempotency_key"),
            ("t", "debit_account_id"),
            ("t", "credit_account_id"),
            ("t", "amount"),
            ("t", "currency"),
            ("t", "phase"),
            ("t", "code"),
            ("t", "project_id"),
            ("t", "batch_id"),
            ("t", "created_at"),
        ])
        .expr_as(Expr::col(("da", "code")), "debit_code")
        .expr_as(Expr::col(("ca", "code")), "credit_code")
        .from_as("ledger_transfers", "t")
        .join_as(
            JoinType::InnerJoin,
            "ledger_accounts",
            "da",
            Expr::col(("da", "id")).equals(("t", "debit_account_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "ledger_accounts",
            "ca",
            Expr::col(("ca", "id")).equals(("t", "credit_account_id")),
        )
        .to_owned()
}

/// The filter's conditions but the accounts'.
fn narrow(q: &mut SelectStatement, f: &TransferFilter) {
    if !f.currencies.is_empty() {
        q.and_where(Expr::col(("t", "currency")).is_in(f.currencies.iter().cloned()));
    }
    if let Some(code) = f.code {
        q.and_where(Expr::col(("t", "code")).eq(code));
    }
    if let Some(p) = f.project_id {
        q.and_where(Expr::col(("t", "project_id")).eq(p));
    }
    if let Some(b) = &f.batch_id {
        q.and_where(Expr::col(("t", "batch_id")).eq(b.as_str()));
    }
    if let Some(k) = f.key_prefix.as_deref().filter(|k| !k.is_empty()) {
        let mut pattern = String::with_capacity(k.len() + 1);
        for ch in k.chars() {
            if matches!(ch, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(ch);
        }
        pattern.push('%');
        q.and_where(Expr::col(("t", "idempotency_key")).like(LikeExpr::new(pattern).escape('\\')));
    }
}

/// A window of the transfers, newest first, by keyset on the id. With accounts, their ids
/// are read first and each (account, side) is one query walking `ledger_transfers_debit_index`
/// or `ledger_transfers_credit_index` (account, id) from the cursor: the windows are merged,
/// so a page costs a few index range reads whatever the table's size.
pub async fn page_transfers(
    c: &mut impl Conn,
    f: &TransferFilter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<TransferRow>> {
    let keyset = Keyset::by_id(Expr::col(("t", "id")), SortDir::Desc);
    if f.accounts.is_empty() {
        let mut q = transfer_select();
        narrow(&mut q, f);
        keyset.apply(&mut q, anchor, limit);
        return Ok(finish(c.all(&q).await?, anchor, limit));
    }
    let ids = account_ids(c, &f.accounts, &f.currencies).await?;
    let mut rows: Vec<TransferRow> = Vec::new();
    for id in ids {
        for side in ["debit_account_id", "credit_account_id"] {
            let mut q = transfer_select();
            q.and_where(Expr::col(("t", side)).eq(id));
            narrow(&mut q, f);
            keyset.apply(&mut q, anchor, limit);
            rows.extend(c.all::<TransferRow>(&q).await?);
        }
    }
    // In the order the query would have given (backwards for the last rows or those before).
    rows.sort_by_key(|t| t.id);
    if !matches!(anchor, Anchor::Last | Anchor::Before(_)) {
        rows.reverse();
    }
    rows.dedup_by_key(|t| t.id);
    rows.truncate(limit as usize + 1);
    Ok(finish(rows, anchor, limit))
}

/// One transfer, with its accounts' codes.
pub async fn transfer(c: &mut impl Conn, id: i64) -> Result<Option<TransferRow>> {
    let mut q = transfer_select();
    q.and_where(Expr::col(("t", "id")).eq(id));
    c.opt(&q).await
}

/// A project as a transfer names it: (title, status, client, developer).
pub async fn project_brief(
    c: &mut impl Conn,
    project_id: i64,
) -> Result<Option<(String, String, String, Option<String>)>> {
    let mut q = Query::select()
        .columns([("p", "title"), ("p", "status")])
        .expr(Expr::col(("cl", "name")))
        .expr(Expr::col(("dv", "name")))
        .from_as("projects", "p")
        .and_where(Expr::col(("p", "id")).eq(project_id))
        .to_owned();
    super::projects::join_parties(&mut q);
    c.opt(&q).await
}

/// The commission a transfer paid: (table, id, amount, currency, status), looked up in
/// `commissions` (code 2) or `ext_commissions` (code 3) by their `ledger_transfer_id`.
pub async fn commission_of(
    c: &mut impl Conn,
    transfer_id: i64,
    code: i64,
) -> Result<Option<(&'static str, i64, i64, String, String)>> {
    let table = match code {
        super::escrows::code::COMMISSION => "commissions",
        super::escrows::code::CONTRIBUTOR => "ext_commissions",
        _ => return Ok(None),
    };
    let q = Query::select()
        .columns(["id", "amount", "currency", "status"])
        .from(table)
        .and_where(Expr::col("ledger_transfer_id").eq(transfer_id))
        .order_by("id", Order::Asc)
        .limit(1)
        .to_owned();
    Ok(c.opt::<(i64, i64, String, String)>(&q)
        .await?
        .map(|(id, amount, currency, status)| (table, id, amount, currency, status)))
}
