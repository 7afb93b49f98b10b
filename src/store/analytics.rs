//! analytics_daily: one row per UTC day × metric × currency ('' for counts), kept by the
//! service in the writes' transactions and recomputed from the source tables by `rebuild`.
//! Also the bounded reads the analytics need beside it: tickets created in a range (SLA
//! figures), planned hours per week (utilisation) and releases per developer.
//! Definitions: docs/ANALYTICS.md.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use sqlx::AssertSqlSafe;

use super::escrows::code;
use super::{Backend, Conn, Db, Result, Tx, schema};

/// The metrics the rollup keeps, as stored in `analytics_daily.metric`.
pub mod metric {
    pub const COLLECTED: &str = "collected";
    pub const RELEASED: &str = "released";
    pub const COMMISSION: &str = "commission";
    pub const REFUNDED: &str = "refunded";
    pub const PROJECTS_CREATED: &str = "projects_created";
    pub const PROJECTS_COMPLETED: &str = "projects_completed";
    pub const PROJECTS_CANCELLED: &str = "projects_cancelled";
    pub const TICKETS_OPENED: &str = "tickets_opened";
    pub const TICKETS_SOLVED: &str = "tickets_solved";
    /// Platform commissions that earned at least one referral reward, once per commission.
    pub const REFERRED_REVENUE: &str = "referred_revenue";
    /// Referral rewards earned (whatever became of them since).
    pub const REFERRAL_REWARDS: &str = "referral_rewards";

    /// Money metrics: per currency, in minor units.
    pub const MONEY: [&str; 6] = [
        COLLECTED,
        RELEASED,
        COMMISSION,
        REFUNDED,
        REFERRED_REVENUE,
        REFERRAL_REWARDS,
    ];
    /// Counts: currency ''.
    pub const COUNTS: [&str; 5] = [
        PROJECTS_CREATED,
        PROJECTS_COMPLETED,
        PROJECTS_CANCELLED,
        TICKETS_OPENED,
        TICKETS_SOLVED,
    ];
}

/// One rollup cell: (day or month, metric, currency, value).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct Cell {
    pub period: String,
    pub metric: String,
    pub currency: String,
    pub value: i64,
}

/// Adds `delta` to a day's metric in the write's own transaction.
pub async fn bump(
    tx: &mut Tx,
    day: NaiveDate,
    metric: &str,
    currency: &str,
    delta: i64,
) -> Result<()> {
    if delta == 0 {
        return Ok(());
    }
    let t = schema::ANALYTICS_DAILY;
    let q = t
        .insert([
            ("day", day.format("%Y-%m-%d").to_string().into()),
            ("metric", metric.into()),
            ("currency", currency.into()),
            ("value", delta.into()),
        ])
        .on_conflict(
            t.on_conflict(["day", "metric", "currency"])
                .value(
                    "value",
                    Expr::col((t.name, "value")).add(Expr::col(("excluded", "value"))),
                )
                .to_owned(),
        )
        .to_owned();
    tx.exec(&q).await?;
    Ok(())
}

/// The day (UTC, `YYYY-MM-DD`) of a timestamp column, in each dialect.
fn day_of(col: &str, backend: Backend) -> String {
    match backend {
        Backend::Postgres => format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
        Backend::MySql => format!("DATE_FORMAT({col}, '%Y-%m-%d')"),
        Backend::Sqlite => format!("date({col})"),
    }
}

/// Every metric per day, straight from the source tables (the definitions, in SQL).
fn source_sql(backend: Backend) -> String {
    let d = |col: &str| day_of(col, backend);
    let posted = "t.phase IN ('single', 'post_pending')";
    let out_of_escrow = |codes: &str, m: &str| {
        format!(
            "SELECT {day} AS period, '{m}' AS metric, t.currency AS currency, \
             CAST(SUM(t.amount) AS BIGINT) AS value FROM ledger_transfers t \
             JOIN ledger_accounts a ON a.id = t.debit_account_id \
             WHERE a.kind = 'escrow' AND t.code IN ({codes}) AND {posted} \
             AND t.created_at IS NOT NULL GROUP BY {day}, t.currency",
            day = d("t.created_at"),
        )
    };
    let count = |table: &str, col: &str, m: &str, cond: &str| {
        format!(
            "SELECT {day} AS period, '{m}' AS metric, '' AS currency, \
             CAST(COUNT(*) AS BIGINT) AS value FROM {table} \
             WHERE {col} IS NOT NULL{cond} GROUP BY {day}",
            day = d(col),
        )
    };
    let sql = [
        format!(
            "SELECT {day} AS period, '{m}' AS metric, currency, \
             CAST(SUM(amount) AS BIGINT) AS value FROM payment_transactions \
             WHERE direction = 'collection' AND status = 'succeeded' \
             AND escrow_id IS NOT NULL AND updated_at IS NOT NULL GROUP BY {day}, currency",
            day = d("updated_at"),
            m = metric::COLLECTED,
        ),
        out_of_escrow(
            &format!("{}, {}", code::RELEASE, code::CONTRIBUTOR),
            metric::RELEASED,
        ),
        out_of_escrow(&code::REFUND.to_string(), metric::REFUNDED),
        format!(
            "SELECT {day} AS period, '{m}' AS metric, currency, \
             CAST(SUM(amount) AS BIGINT) AS value FROM commissions \
             WHERE status = 'paid' AND paid_at IS NOT NULL GROUP BY {day}, currency",
            day = d("paid_at"),
            m = metric::COMMISSION,
        ),
        // Each commission once, on the day it earned its first reward (its payment's).
        format!(
            "SELECT {day} AS period, '{m}' AS metric, c.currency AS currency, \
             CAST(SUM(c.amount) AS BIGINT) AS value FROM commissions c \
             JOIN (SELECT commission_id, MIN(created_at) AS earned_at FROM referral_rewards \
             WHERE created_at IS NOT NULL GROUP BY commission_id) x ON x.commission_id = c.id \
             GROUP BY {day}, c.currency",
            day = d("x.earned_at"),
            m = metric::REFERRED_REVENUE,
        ),
        format!(
            "SELECT {day} AS period, '{m}' AS metric, currency, \
             CAST(SUM(amount) AS BIGINT) AS value FROM referral_rewards \
             WHERE created_at IS NOT NULL GROUP BY {day}, currency",
            day = d("created_at"),
            m = metric::REFERRAL_REWARDS,
        ),
        count("projects", "created_at", metric::PROJECTS_CREATED, ""),
        count(
            "projects",
            "completed_at",
            metric::PROJECTS_COMPLETED,
            " AND status = 'completed'",
        ),
        count(
            "projects",
            "cancelled_at",
            metric::PROJECTS_CANCELLED,
            " AND status = 'cancelled'",
        ),
        count("support_tickets", "created_at", metric::TICKETS_OPENED, ""),
        count("support_tickets", "resolved_at", metric::TICKETS_SOLVED, ""),
    ]
    .join(" UNION ALL ");
    match backend {
        Backend::MySql => super::mysql::casts(&sql),
        _ => sql,
    }
}

/// The rollup as the source tables say it should be, per day (nothing written).
pub async fn recompute_daily(db: &Db) -> Result<Vec<Cell>> {
    let mut rows: Vec<Cell> = match db {
        Db::Sqlite(p) => {
            sqlx::query_as(AssertSqlSafe(source_sql(Backend::Sqlite)))
                .fetch_all(p)
                .await?
        }
        Db::Postgres(p) => {
            sqlx::query_as(AssertSqlSafe(source_sql(Backend::Postgres)))
                .fetch_all(p)
                .await?
        }
        Db::MySql(p) => {
            sqlx::query_as(AssertSqlSafe(source_sql(Backend::MySql)))
                .fetch_all(p)
                .await?
        }
    };
    rows.retain(|c| c.value != 0);
    rows.sort();
    Ok(rows)
}

/// Replaces the whole rollup with the recomputation, in one transaction (a reader sees the
/// old rollup or the new one). Idempotent. Returns the rows written.
pub async fn rebuild(db: &Db) -> Result<u64> {
    let mut tx = db.begin().await?;
    let n = rebuild_in(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}

/// [`rebuild`] inside a transaction the caller commits.
pub async fn rebuild_in(tx: &mut Tx) -> Result<u64> {
    let t = schema::ANALYTICS_DAILY;
    let insert = format!(
        "{} SELECT period, metric, currency, value FROM ({}) s WHERE value <> 0",
        t.insert_into(&["day", "metric", "currency", "value"]),
        source_sql(tx.backend())
    );
    tx.exec(&Query::delete().from_table(t.name).to_owned())
        .await?;
    tx.exec_sql(&insert, Vec::new()).await
}

/// The rollup as stored, per day, zero cells left out (a bump and its reversal leave one).
pub async fn daily(c: &mut impl Conn) -> Result<Vec<Cell>> {
    let q = Query::select()
        .expr_as(Expr::col("day"), "period")
        .columns(["metric", "currency", "value"])
        .from("analytics_daily")
        .and_where(Expr::col("value").ne(0))
        .order_by("day", Order::Asc)
        .order_by("metric", Order::Asc)
        .order_by("currency", Order::Asc)
        .to_owned();
    let mut rows: Vec<Cell> = c.all(&q).await?;
    rows.sort();
    Ok(rows)
}

/// Month sums (`YYYY-MM`) of the rollup for the days in `[from, to)`: money in `currency`
/// (every currency when None) and the counts. A range scan of the primary key.
pub async fn months(
    c: &mut impl Conn,
    from: NaiveDate,
    to: NaiveDate,
    currency: Option<&str>,
) -> Result<Vec<Cell>> {
    let mut q = Query::select();
    q.expr_as(Expr::cust("substr(day, 1, 7)"), "period")
        .columns(["metric", "currency"])
        .expr_as(Expr::cust("CAST(SUM(value) AS BIGINT)"), "value")
        .from("analytics_daily")
        .and_where(Expr::col("day").gte(from.format("%Y-%m-%d").to_string()))
        .and_where(Expr::col("day").lt(to.format("%Y-%m-%d").to_string()))
        .group_by_col("metric")
        .group_by_col("currency")
        .add_group_by([Expr::cust("substr(day, 1, 7)")]);
    if let Some(cur) = currency {
        q.and_where(Expr::col("currency").is_in([cur, ""]));
    }
    let mut rows: Vec<Cell> = c.all(&q).await?;
    rows.sort();
    Ok(rows)
}

/// A ticket's SLA stamps, for the tickets created in a range.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TicketTimes {
    pub created_at: DateTime<Utc>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub paused_seconds: i64,
}

/// The tickets created in `[from, to)`, through the created_at index.
pub async fn tickets_created(
    c: &mut impl Conn,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<TicketTimes>> {
    let q = Query::select()
        .columns([
            "created_at",
            "first_response_due_at",
            "first_responded_at",
            "resolution_due_at",
            "resolved_at",
            "paused_seconds",
        ])
        .from("support_tickets")
        .and_where(Expr::col("created_at").gte(from))
        .and_where(Expr::col("created_at").lt(to))
        .to_owned();
    c.all(&q).await
}

/// Planned hours and the planned developers' capacity per week in `[from, to)`:
/// (week start, planned, capacity).
pub async fn weekly_load(
    c: &mut impl Conn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, i64, i64)>> {
    let per_developer = Query::select()
        .column("week_start")
        .column("developer_id")
        .expr_as(Expr::cust("CAST(SUM(planned_hours) AS BIGINT)"), "planned")
        .from("workload")
        .and_where(Expr::col("week_start").gte(from))
        .and_where(Expr::col("week_start").lt(to))
        .group_by_col("week_start")
        .group_by_col("developer_id")
        .to_owned();
    let q = Query::select()
        .column(("x", "week_start"))
        .expr(Expr::cust("CAST(SUM(x.planned) AS BIGINT)"))
        .expr(Expr::cust(
            "CAST(SUM(COALESCE(pr.weekly_capacity_hours, 40)) AS BIGINT)",
        ))
        .from_subquery(per_developer, "x")
        .join_as(
            JoinType::LeftJoin,
            "profiles",
            "pr",
            Expr::col(("pr", "user_id"))
                .equals(("x", "developer_id"))
                .and(Expr::col(("pr", "type")).eq("developer")),
        )
        .group_by_col(("x", "week_start"))
        .order_by(("x", "week_start"), Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Developers by amount released to them in `currency` over `[from, to)`, most first:
/// (developer id, name, amount). Reads the releases through the (code, created_at) index.
pub async fn top_developers(
    c: &mut impl Conn,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    currency: &str,
    n: u64,
) -> Result<Vec<(i64, String, i64)>> {
    let q = Query::select()
        .column(("u", "id"))
        .column(("u", "name"))
        .expr_as(Expr::cust("CAST(SUM(t.amount) AS BIGINT)"), "released")
        .from_as("ledger_transfers", "t")
        .join_as(
            JoinType::InnerJoin,
            "projects",
            "p",
            Expr::col(("p", "id")).equals(("t", "project_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("p", "developer_id")),
        )
        .and_where(Expr::col(("t", "code")).eq(code::RELEASE))
        .and_where(Expr::col(("t", "created_at")).gte(from))
        .and_where(Expr::col(("t", "created_at")).lt(to))
        .and_where(Expr::col(("t", "currency")).eq(currency))
        .group_by_col(("u", "id"))
        .group_by_col(("u", "name"))
        .order_by_expr(Expr::cust("released"), Order::Desc)
        .order_by(("u", "id"), Order::Asc)
        .limit(n)
        .to_owned();
    c.all(&q).await
}
