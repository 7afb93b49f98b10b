//! webhook_deliveries: one row per attempt of an event to an endpoint. A pending row is the
//! next attempt, due at `next_attempt_at`; a worker claims it by leasing it (`leased_by`,
//! `leased_until`: a crashed worker's claims are taken over once the lease ends) and records
//! the outcome on the same row, with the next attempt as a new pending row.
//!
//! On PostgreSQL several workers claim side by side (`FOR UPDATE SKIP LOCKED`); on SQLite the
//! one worker holding the `webhooks` lease (leases.rs) claims.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, InsertStatement, JoinType, Order, Query, SelectStatement};
use serde_json::Value as JsonValue;
use sqlx::AssertSqlSafe;

use super::page::{Anchor, Keyset, Page, SortDir, finish};
use super::{Conn, Db, Result, Tx, schema};

/// One attempt as the deliveries log shows it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub webhook_event_id: i64,
    /// The `webhook-id` header: the outbox event's id, the same for every attempt.
    pub event_id: String,
    pub event_type: String,
    pub webhook_endpoint_id: i64,
    pub endpoint_url: String,
    pub attempt: i64,
    /// pending | succeeded | failed | gave_up.
    pub status: String,
    pub response_status: Option<i64>,
    pub latency_ms: Option<i64>,
    pub last_error: Option<String>,
    /// The first 4 KiB of the response body, as received (sanitise before showing).
    pub response_excerpt: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub attempted_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
}

fn select() -> SelectStatement {
    Query::select()
        .columns([
            ("d", "id"),
            ("d", "webhook_event_id"),
            ("d", "webhook_endpoint_id"),
            ("d", "attempt"),
            ("d", "status"),
            ("d", "response_status"),
            ("d", "latency_ms"),
            ("d", "last_error"),
            ("d", "response_excerpt"),
            ("d", "next_attempt_at"),
            ("d", "attempted_at"),
            ("d", "created_at"),
        ])
        .expr_as(Expr::col(("ev", "event_id")), "event_id")
        .expr_as(Expr::col(("ev", "type")), "event_type")
        .expr_as(Expr::col(("e", "url")), "endpoint_url")
        .from_as("webhook_deliveries", "d")
        .join_as(
            JoinType::InnerJoin,
            "webhook_events",
            "ev",
            Expr::col(("ev", "id")).equals(("d", "webhook_event_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "webhook_endpoints",
            "e",
            Expr::col(("e", "id")).equals(("d", "webhook_endpoint_id")),
        )
        .to_owned()
}

/// Which attempts a deliveries log shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub endpoint_id: Option<i64>,
    /// One outbox event's attempts (`webhook_events.id`).
    pub event_row_id: Option<i64>,
    /// Only failed attempts (failed, gave up).
    pub failed: bool,
    /// Only attempts made (or, pending, created) at or after this time.
    pub since: Option<DateTime<Utc>>,
}

pub const FAILED: [&str; 2] = ["failed", "gave_up"];

/// Attempts, newest first.
pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<DeliveryRow>> {
    let mut q = select();
    if let Some(id) = f.endpoint_id {
        q.and_where(Expr::col(("d", "webhook_endpoint_id")).eq(id));
    }
    if let Some(id) = f.event_row_id {
        q.and_where(Expr::col(("d", "webhook_event_id")).eq(id));
    }
    if f.failed {
        q.and_where(Expr::col(("d", "status")).is_in(FAILED));
    }
    if let Some(since) = f.since {
        q.and_where(
            Func::coalesce([
                Expr::col(("d", "attempted_at")),
                Expr::col(("d", "created_at")),
            ])
            .gte(since),
        );
    }
    Keyset::by_id(Expr::col(("d", "id")), SortDir::Desc).apply(&mut q, anchor, limit);
    Ok(finish(c.all(&q).await?, anchor, limit))
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<DeliveryRow>> {
    let q = select().and_where(Expr::col(("d", "id")).eq(id)).to_owned();
    c.opt(&q).await
}

/// How many attempts have each status: (status, count), for summaries and tests.
pub async fn count_by_status(
    c: &mut impl Conn,
    endpoint_id: Option<i64>,
) -> Result<Vec<(String, i64)>> {
    let mut q = Query::select()
        .column("status")
        .expr(Expr::cust("CAST(COUNT(*) AS BIGINT)"))
        .from("webhook_deliveries")
        .group_by_col("status")
        .order_by("status", Order::Asc)
        .to_owned();
    if let Some(id) = endpoint_id {
        q.and_where(Expr::col("webhook_endpoint_id").eq(id));
    }
    c.all(&q).await
}

/// A pending attempt of event `event_row_id` to `endpoint_id`, due at `at`.
pub async fn insert_pending(
    tx: &mut Tx,
    event_row_id: i64,
    endpoint_id: i64,
    attempt: i64,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let q = pending(event_row_id, endpoint_id, attempt, at, now);
    tx.insert_id(&q).await
}

/// The columns of a new pending attempt, for the inserts written as SQL text.
pub(super) const PENDING: [&str; 7] = [
    "webhook_event_id",
    "webhook_endpoint_id",
    "attempt",
    "status",
    "next_attempt_at",
    "created_at",
    "updated_at",
];

/// The insert of a pending attempt.
fn pending(
    event_row_id: i64,
    endpoint_id: i64,
    attempt: i64,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> InsertStatement {
    schema::WEBHOOK_DELIVERIES.insert_new(
        now,
        [
            ("webhook_event_id", event_row_id.into()),
            ("webhook_endpoint_id", endpoint_id.into()),
            ("attempt", attempt.into()),
            ("status", "pending".into()),
            ("next_attempt_at", at.into()),
        ],
    )
}

/// A claimed attempt, with what sending it needs.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub attempt: i64,
    pub webhook_event_id: i64,
    pub event_id: String,
    pub event_type: String,
    #[sqlx(json)]
    pub payload: JsonValue,
    pub endpoint_id: i64,
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
}

/// The due, unleased pending attempts to active endpoints, up to `limit`, oldest due first.
const DUE: &str = "SELECT d.id FROM webhook_deliveries d \
    JOIN webhook_endpoints e ON e.id = d.webhook_endpoint_id \
    WHERE d.status = 'pending' AND d.next_attempt_at <= $1 \
    AND (d.leased_until IS NULL OR d.leased_until < $5) AND e.status = 'active' \
    ORDER BY d.next_attempt_at, d.id LIMIT $2";

const CLAIMED_COLUMNS: &str = "CAST(c.id AS BIGINT) AS id, c.attempt, \
    CAST(c.webhook_event_id AS BIGINT) AS webhook_event_id, ev.event_id, \
    ev.type AS event_type, ev.payload, CAST(e.id AS BIGINT) AS endpoint_id, e.url, e.secret, \
    e.previous_secret, e.previous_secret_expires_at";

/// Leases to `holder` until `until` up to `limit` attempts due by `due_by` whose lease (if
/// any) ended before `now`. Two workers never get the same row: PostgreSQL skips rows another
/// claim has locked; on SQLite one worker claims at a time.
pub async fn claim(
    db: &Db,
    holder: &str,
    due_by: DateTime<Utc>,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Claimed>> {
    match db {
        Db::Postgres(pool) => {
            let sql = format!(
                "WITH picked AS ({DUE} FOR UPDATE OF d SKIP LOCKED), \
                 c AS (UPDATE webhook_deliveries w SET leased_by = $3, leased_until = $4 \
                       FROM picked WHERE w.id = picked.id \
                       RETURNING w.id, w.attempt, w.webhook_event_id, w.webhook_endpoint_id) \
                 SELECT {CLAIMED_COLUMNS} FROM c \
                 JOIN webhook_events ev ON ev.id = c.webhook_event_id \
                 JOIN webhook_endpoints e ON e.id = c.webhook_endpoint_id"
            );
            Ok(sqlx::query_as::<_, Claimed>(AssertSqlSafe(sql))
                .bind(due_by)
                .bind(limit)
                .bind(holder)
                .bind(until)
                .bind(now)
                .fetch_all(pool)
                .await?)
        }
        Db::Sqlite(pool) => {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            let sql = format!(
                "UPDATE webhook_deliveries SET leased_by = $3, leased_until = $4 \
                 WHERE id IN ({DUE}) RETURNING id"
            );
            let time = super::exec::sqlite_time;
            let ids: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(sql.replace('$', "?")))
                .bind(time(&due_by))
                .bind(limit)
                .bind(holder)
                .bind(time(&until))
                .bind(time(&now))
                .fetch_all(&mut *tx)
                .await?;
            let rows = match claimed_sql(&ids, false) {
                Some(sql) => {
                    sqlx::query_as::<_, Claimed>(AssertSqlSafe(sql))
                        .fetch_all(&mut *tx)
                        .await?
                }
                None => Vec::new(),
            };
            tx.commit().await?;
            Ok(rows)
        }
        Db::MySql(pool) => {
            // No UPDATE … RETURNING: lock the due rows (skipping those another claim holds),
            // lease them, read them back, in one transaction.
            let mut tx = pool.begin().await?;
            let values = vec![
                due_by.into(),
                limit.into(),
                holder.into(),
                until.into(),
                now.into(),
            ];
            let (sql, bound) =
                super::mysql::translate(&format!("{DUE} FOR UPDATE SKIP LOCKED"), values);
            // Laravel-style ids: unsigned on MySQL.
            let ids: Vec<(u64,)> = sqlx::query_as_with(AssertSqlSafe(sql), bound)
                .fetch_all(&mut *tx)
                .await?;
            let ids: Vec<(i64,)> = ids.into_iter().map(|(id,)| (id as i64,)).collect();
            if !ids.is_empty() {
                let sql = format!(
                    "UPDATE webhook_deliveries SET leased_by = ?, leased_until = ? \
                     WHERE id IN ({})",
                    id_list(&ids)
                );
                sqlx::query(AssertSqlSafe(sql))
                    .bind(holder)
                    .bind(until)
                    .execute(&mut *tx)
                    .await?;
            }
            let rows = match claimed_sql(&ids, true) {
                Some(sql) => {
                    sqlx::query_as::<_, Claimed>(AssertSqlSafe(sql))
                        .fetch_all(&mut *tx)
                        .await?
                }
                None => Vec::new(),
            };
            tx.commit().await?;
            Ok(rows)
        }
    }
}

fn id_list(ids: &[(i64,)]) -> String {
    ids.iter()
        .map(|(id,)| id.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads back the attempts just leased, with what sending them needs (None: none leased).
fn claimed_sql(ids: &[(i64,)], mysql: bool) -> Option<String> {
    if ids.is_empty() {
        return None;
    }
    let sql = format!(
        "SELECT {CLAIMED_COLUMNS} FROM webhook_deliveries c \
         JOIN webhook_events ev ON ev.id = c.webhook_event_id \
         JOIN webhook_endpoints e ON e.id = c.webhook_endpoint_id \
         WHERE c.id IN ({})",
        id_list(ids)
    );
    Some(if mysql {
        super::mysql::casts(&sql)
    } else {
        sql
    })
}

/// When the earliest pending attempt to an active endpoint is due (None: nothing pending), so
/// an idle worker knows whether to claim.
pub async fn next_due(c: &mut impl Conn) -> Result<Option<DateTime<Utc>>> {
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
        .to_owned();
    Ok(c.one::<(Option<DateTime<Utc>>,)>(&q).await?.0)
}

/// What comes after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    /// It succeeded: nothing more.
    Done,
    /// It failed; the next attempt is due at this time.
    RetryAt(DateTime<Utc>),
    /// It failed and nothing more will be tried (schedule exhausted, 410, or refused).
    GiveUp,
}

/// The outcome of one sent (or refused) attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub delivery_id: i64,
    pub event_row_id: i64,
    pub endpoint_id: i64,
    pub attempt: i64,
    pub attempted_at: DateTime<Utc>,
    pub response_status: Option<i64>,
    pub latency_ms: Option<i64>,
    pub error: Option<String>,
    pub excerpt: Option<String>,
    pub then: Then,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.then == Then::Done
    }
}

/// Records the outcomes of `holder`'s attempts, each on its own row, with the next attempt of
/// each retried one, and moves the endpoints' failure streaks. An attempt whose lease was
/// taken over meanwhile is not recorded (false in the answer, in order).
pub async fn record(
    tx: &mut Tx,
    holder: &str,
    outcomes: &[Outcome],
    now: DateTime<Utc>,
) -> Result<Vec<bool>> {
    let mut sorted: Vec<usize> = (0..outcomes.len()).collect();
    // One order for every writer: rows locked in the same order never deadlock.
    sorted.sort_by_key(|&i| outcomes[i].delivery_id);
    let mut recorded = vec![false; outcomes.len()];
    for i in sorted {
        let o = &outcomes[i];
        let (status, next) = match o.then {
            Then::Done => ("succeeded", None),
            Then::RetryAt(at) => ("failed", Some(at)),
            Then::GiveUp => ("gave_up", None),
        };
        let q = Query::update()
            .table("webhook_deliveries")
            .values([
                ("status", status.into()),
                ("response_status", o.response_status.into()),
                ("latency_ms", o.latency_ms.into()),
                ("last_error", o.error.clone().into()),
                ("response_excerpt", o.excerpt.clone().into()),
                ("attempted_at", o.attempted_at.into()),
                ("next_attempt_at", next.into()),
                ("leased_by", Option::<String>::None.into()),
                ("leased_until", Option::<DateTime<Utc>>::None.into()),
                ("updated_at", now.into()),
            ])
            .and_where(Expr::col("id").eq(o.delivery_id))
            .and_where(Expr::col("status").eq("pending"))
            .and_where(Expr::col("leased_by").eq(holder))
            .to_owned();
        if tx.exec(&q).await? != 1 {
            continue;
        }
        recorded[i] = true;
        if let Some(at) = next {
            let key = ["webhook_event_id", "webhook_endpoint_id", "attempt"];
            let q = pending(o.event_row_id, o.endpoint_id, o.attempt + 1, at, now)
                .on_conflict(schema::WEBHOOK_DELIVERIES.skip_existing(key))
                .to_owned();
            tx.exec(&q).await?;
        }
    }
    // Streaks per endpoint, in the order the attempts were made.
    let mut streaks: Vec<(i64, bool, i64)> = Vec::new();
    let mut made: Vec<&Outcome> = outcomes
        .iter()
        .zip(&recorded)
        .filter_map(|(o, r)| r.then_some(o))
        .collect();
    made.sort_by_key(|o| (o.endpoint_id, o.attempted_at));
    for o in made {
        if streaks.last().is_none_or(|s| s.0 != o.endpoint_id) {
            streaks.push((o.endpoint_id, false, 0));
        }
        let s = streaks.last_mut().expect("pushed above");
        if o.succeeded() {
            (s.1, s.2) = (true, 0);
        } else {
            s.2 += 1;
        }
    }
    let endpoints: Vec<i64> = streaks.iter().map(|s| s.0).collect();
    for (endpoint, reset, failed) in streaks {
        if reset || failed > 0 {
            super::webhooks::add_to_streak(tx, endpoint, reset, failed).await?;
        }
    }
    // Open deliveries logs follow the attempts as they land.
    super::delivery_watch::announce(tx, &endpoints).await?;
    Ok(recorded)
}

/// Gives up the pending attempts of a disabled endpoint that no worker holds (sent to
/// nobody), so enabling it again does not send days-old events unasked; replays remain.
pub async fn give_up_pending(
    tx: &mut Tx,
    endpoint_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let q = Query::update()
        .table("webhook_deliveries")
        .values([
            ("status", "gave_up".into()),
            ("last_error", reason.into()),
            ("next_attempt_at", Option::<DateTime<Utc>>::None.into()),
            ("updated_at", now.into()),
        ])
        .and_where(Expr::col("webhook_endpoint_id").eq(endpoint_id))
        .and_where(Expr::col("status").eq("pending"))
        .and_where(
            Expr::col("leased_until")
                .is_null()
                .or(Expr::col("leased_until").lt(now)),
        )
        .to_owned();
    tx.exec(&q).await
}

/// Sends delivery `id`'s event to its endpoint again: its pending attempt, if one waits, is
/// made due now; else a new attempt is queued. Returns the pending attempt's id.
pub async fn replay(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<Option<i64>> {
    let q = Query::select()
        .columns(["webhook_event_id", "webhook_endpoint_id"])
        .from("webhook_deliveries")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let Some((event, endpoint)) = tx.opt::<(i64, i64)>(&q).await? else {
        return Ok(None);
    };
    let q = Query::select()
        .expr(Expr::cust("CAST(MAX(attempt) AS BIGINT)"))
        .expr(Expr::cust(
            "CAST(MAX(CASE WHEN status = 'pending' THEN id END) AS BIGINT)",
        ))
        .from("webhook_deliveries")
        .and_where(Expr::col("webhook_event_id").eq(event))
        .and_where(Expr::col("webhook_endpoint_id").eq(endpoint))
        .to_owned();
    let (last, pending): (Option<i64>, Option<i64>) = tx.one(&q).await?;
    if let Some(pending) = pending {
        let q = Query::update()
            .table("webhook_deliveries")
            .values([("next_attempt_at", now.into()), ("updated_at", now.into())])
            .and_where(Expr::col("id").eq(pending))
            .to_owned();
        tx.exec(&q).await?;
        return Ok(Some(pending));
    }
    let attempt = last.unwrap_or(0) + 1;
    Ok(Some(
        insert_pending(tx, event, endpoint, attempt, now, now).await?,
    ))
}

/// Queues again every event whose last attempt to `endpoint_id` failed at or after `since`.
/// Returns how many were queued.
pub async fn replay_failed_since(
    tx: &mut Tx,
    endpoint_id: i64,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let sql = format!(
        "{} SELECT d.webhook_event_id, d.webhook_endpoint_id, d.attempt + 1, 'pending', $1, $1, $1 \
         FROM webhook_deliveries d \
         WHERE d.webhook_endpoint_id = $2 AND d.status IN ('failed', 'gave_up') \
         AND COALESCE(d.attempted_at, d.updated_at) >= $3 \
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries l \
             WHERE l.webhook_event_id = d.webhook_event_id \
             AND l.webhook_endpoint_id = d.webhook_endpoint_id AND l.attempt > d.attempt)",
        schema::WEBHOOK_DELIVERIES.insert_into(&PENDING)
    );
    tx.exec_sql(&sql, vec![now.into(), endpoint_id.into(), since.into()])
        .await
}

/// The latest outbox events of these types: (event row id, type), newest first.
pub async fn recent_events(
    c: &mut impl Conn,
    types: &[&str],
    limit: u64,
) -> Result<Vec<(i64, String)>> {
    let q = Query::select()
        .columns(["id", "type"])
        .from("webhook_events")
        .and_where(Expr::col("type").is_in(types.iter().copied()))
        .order_by("id", Order::Desc)
        .limit(limit)
        .to_owned();
    c.all(&q).await
}
