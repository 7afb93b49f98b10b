//! Whether webhooks are being delivered, as the tables tell: the workers' leases (the delivery
//! lease on SQLite, the scheduled jobs' on both), the earliest due attempt no worker has
//! claimed, and the latest attempt made. And how the deliveries log follows attempts live: PostgreSQL
//! announces recorded outcomes on `obryl_events` (the writer does, once per endpoint and
//! batch: attempts are bookkeeping, with no audit row for the triggers to announce); a SQLite
//! poller compares a marker that moves with every attempt that lands.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query};

use super::{Backend, Conn, Db, Result, Tx};

/// The leases a running worker holds: `webhooks` (SQLite's delivering worker), `jobs` and
/// `jobs:<job>` (the scheduled jobs, one worker each).
const WORKER_LEASES: [&str; 2] = ["webhooks", "jobs"];

/// What the tables say about delivery at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pulse {
    /// Who holds a worker's lease, the one running longest, and until when (None: none is
    /// held).
    pub worker: Option<(String, DateTime<Utc>)>,
    /// The earliest due time of a pending attempt to an active endpoint that no worker holds.
    pub waiting_since: Option<DateTime<Utc>>,
    /// When the latest attempt that got an outcome was made.
    pub last_attempt: Option<DateTime<Utc>>,
}

/// Reads the pulse at `now`. Three indexed reads: the lease row, the pending attempts (their
/// own index), and the newest attempts by id down to the first one made.
pub async fn pulse(c: &mut impl Conn, now: DateTime<Utc>) -> Result<Pulse> {
    let q = Query::select()
        .columns(["holder", "expires_at"])
        .from("worker_leases")
        .and_where(
            Expr::col("name")
                .is_in(WORKER_LEASES)
                .or(Expr::col("name").like("jobs:%")),
        )
        .order_by("expires_at", Order::Desc)
        .limit(1)
        .to_owned();
    let worker = c.opt::<(String, DateTime<Utc>)>(&q).await?;
    let q = Query::select()
        .expr(Expr::cust("MIN(d.next_attempt_at)"))
        .from_as("webhook_deliveries", "d")
        .join_as(
            JoinType::InnerJoin,
            "webhook_endpoints",
            "e",
            Expr::col(("e", "id")).equals(("d", "webhook_endpoint_id")),
        )
        .and_where(Expr::col(("d", "status")).eq("pending"))
        .and_where(Expr::col(("e", "status")).eq("active"))
        .and_where(Expr::col(("d", "next_attempt_at")).lte(now))
        .and_where(
            Expr::col(("d", "leased_until"))
                .is_null()
                .or(Expr::col(("d", "leased_until")).lt(now)),
        )
        .to_owned();
    let (waiting_since,) = c.one::<(Option<DateTime<Utc>>,)>(&q).await?;
    let q = Query::select()
        .column("attempted_at")
        .from("webhook_deliveries")
        .and_where(Expr::col("attempted_at").is_not_null())
        .order_by("id", Order::Desc)
        .limit(1)
        .to_owned();
    let last_attempt = c
        .opt::<(Option<DateTime<Utc>>,)>(&q)
        .await?
        .and_then(|(t,)| t);
    Ok(Pulse {
        worker,
        waiting_since,
        last_attempt,
    })
}

/// PostgreSQL: tells every open back-office that attempts to these endpoints got their
/// outcome (sent when the transaction commits). Nothing on SQLite, which is polled.
pub(super) async fn announce(tx: &mut Tx, endpoints: &[i64]) -> Result<()> {
    if tx.backend() != Backend::Postgres {
        return Ok(());
    }
    for id in endpoints {
        let payload = serde_json::json!({"table": "webhook_deliveries", "id": id}).to_string();
        tx.exec_sql("SELECT pg_notify('obryl_events', $1)", vec![payload.into()])
            .await?;
    }
    Ok(())
}

/// SQLite: a marker that changes whenever an attempt lands or is queued: the newest attempt's
/// id (a retry or a new event adds one) and how many attempts are pending (an outcome without
/// a retry ends one). Both come from indexes.
pub async fn marker(db: &Db) -> Result<(i64, i64)> {
    let q = Query::select()
        .expr(Expr::cust("CAST(COALESCE(MAX(id), 0) AS BIGINT)"))
        .from("webhook_deliveries")
        .to_owned();
    let (newest,) = db.one::<(i64,)>(&q).await?;
    let q = Query::select()
        .expr(Expr::cust("CAST(COUNT(*) AS BIGINT)"))
        .from("webhook_deliveries")
        .and_where(Expr::col("status").eq("pending"))
        .to_owned();
    let (pending,) = db.one::<(i64,)>(&q).await?;
    Ok((newest, pending))
}
