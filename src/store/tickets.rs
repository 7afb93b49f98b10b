//! support_tickets: the triage queue and compare-and-set changes.
//!
//! "SLA due first" and the `breached` filter read the SLA keys the database derives from the
//! SLA stamps (migration 0022) by the rules of `domain::sla::TicketSla`, the SLA column's.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement, Value};

use crate::domain::sla::TicketSla;

use super::page::{Anchor, Cursor, Keyset, Page, SortDir, SortValue, contains_pattern, finish};
use super::{Conn, Result, Tx, schema};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TicketRow {
    pub id: i64,
    pub reference: String,
    pub requester_id: i64,
    pub requester_name: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub project_id: Option<i64>,
    pub subject: String,
    pub category: String,
    pub priority: String,
    pub status: String,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub paused_seconds: i64,
    pub paused_since: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub lock_version: i64,
    pub created_at: Option<DateTime<Utc>>,
    /// Where the ticket sits in "SLA due first" when it was read (`TicketSla::order_key`).
    pub sla_order: i64,
}

impl TicketRow {
    /// The ticket's SLA stamps, for the SLA column and detail.
    pub fn sla(&self) -> TicketSla {
        TicketSla {
            created_at: self.created_at,
            first_response_due_at: self.first_response_due_at,
            first_responded_at: self.first_responded_at,
            resolution_due_at: self.resolution_due_at,
            resolved_at: self.resolved_at,
            paused_seconds: self.paused_seconds,
            paused_since: self.paused_since,
            done: matches!(self.status.as_str(), "solved" | "closed"),
        }
    }
}

/// The rows as read at `now` (whole seconds): a paused SLA clock sits at `now` plus its frozen
/// time left.
fn base(now: i64) -> SelectStatement {
    Query::select()
        .columns([
            ("t", "id"),
            ("t", "reference"),
            ("t", "requester_id"),
            ("t", "assignee_id"),
            ("t", "project_id"),
            ("t", "subject"),
            ("t", "category"),
            ("t", "priority"),
            ("t", "status"),
            ("t", "first_response_due_at"),
            ("t", "first_responded_at"),
            ("t", "resolution_due_at"),
            ("t", "resolved_at"),
            ("t", "paused_seconds"),
            ("t", "paused_since"),
            ("t", "last_activity_at"),
            ("t", "lock_version"),
            ("t", "created_at"),
        ])
        .expr_as(Expr::col(("rq", "name")), "requester_name")
        .expr_as(Expr::col(("asg", "name")), "assignee_name")
        .expr_as(
            Func::coalesce([
                Expr::col(("t", "sla_due")),
                Expr::col(("t", "sla_left")).add(now),
            ]),
            "sla_order",
        )
        .from_as("support_tickets", "t")
        .join_as(
            JoinType::InnerJoin,
            "users",
            "rq",
            Expr::col(("rq", "id")).equals(("t", "requester_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "users",
            "asg",
            Expr::col(("asg", "id")).equals(("t", "assignee_id")),
        )
        .to_owned()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Least SLA time left first, as the SLA column counts it: the most overdue, then about
    /// to breach; solved and closed tickets (no clock) last.
    #[default]
    Due,
    Newest,
    Oldest,
}

impl Sort {
    pub fn cursor(self, row: &TicketRow) -> Cursor {
        let key = match self {
            Sort::Due => Some(SortValue::Int(row.sla_order)),
            Sort::Newest | Sort::Oldest => None,
        };
        Cursor { key, id: row.id }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub statuses: Vec<String>,
    pub priorities: Vec<String>,
    pub category: Option<String>,
    pub assignee_id: Option<i64>,
    pub unassigned: bool,
    /// Tickets whose SLA is breached at this instant (the SLA column's ✕): a running clock past
    /// its deadline, a paused one that was already past it, a target met late.
    pub breached_at: Option<DateTime<Utc>>,
    /// Tickets that breached within `[from, to)` (the dashboard's month), by `sla_breach_at`.
    pub breached_between: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The instant SLA clocks are read at for "SLA due first" (the screen's clock); None: now.
    pub now: Option<DateTime<Utc>>,
    /// Part of the reference, subject or requester name.
    pub text: Option<String>,
}

fn apply_filter(q: &mut SelectStatement, f: &Filter) {
    if !f.statuses.is_empty() {
        q.and_where(Expr::col(("t", "status")).is_in(f.statuses.iter().map(String::as_str)));
    }
    if !f.priorities.is_empty() {
        q.and_where(Expr::col(("t", "priority")).is_in(f.priorities.iter().map(String::as_str)));
    }
    if let Some(c) = &f.category {
        q.and_where(Expr::col(("t", "category")).eq(c.as_str()));
    }
    if let Some(a) = f.assignee_id {
        q.and_where(Expr::col(("t", "assignee_id")).eq(a));
    }
    if f.unassigned {
        q.and_where(Expr::col(("t", "assignee_id")).is_null());
    }
    if let Some(at) = f.breached_at {
        q.and_where(Expr::col(("t", "sla_breach_at")).lte(at.timestamp()));
    }
    if let Some((from, to)) = f.breached_between {
        q.and_where(Expr::col(("t", "sla_breach_at")).gte(from.timestamp()));
        q.and_where(Expr::col(("t", "sla_breach_at")).lt(to.timestamp()));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = LikeExpr::new(contains_pattern(text)).escape('\\');
        q.and_where(
            Func::lower(Expr::col(("t", "reference")))
                .like(pattern.clone())
                .or(Func::lower(Expr::col(("t", "subject"))).like(pattern.clone()))
                .or(Func::lower(Expr::col(("rq", "name"))).like(pattern)),
        );
    }
}

pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    sort: Sort,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<TicketRow>> {
    let now = f.now.unwrap_or_else(Utc::now).timestamp();
    let id = Expr::col(("t", "id"));
    let by_id = |dir| Keyset::by_id(id.clone(), dir);
    let mut q = base(now);
    apply_filter(&mut q, f);
    match sort {
        Sort::Newest => by_id(SortDir::Desc).apply(&mut q, anchor, limit),
        Sort::Oldest => by_id(SortDir::Asc).apply(&mut q, anchor, limit),
        Sort::Due => return due_page(c, q, now, anchor, limit).await,
    }
    let rows = c.all(&q).await?;
    Ok(finish(rows, anchor, limit))
}

/// "SLA due first" in two indexed walks merged: running clocks by deadline (`sla_due`), paused
/// ones by their frozen time left (`sla_left`, at `now` + it). Each walk reads at most one page
/// past the cursor, so the first `limit` of both together are the page.
async fn due_page(
    c: &mut impl Conn,
    q: SelectStatement,
    now: i64,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<TicketRow>> {
    let walk = |column: &'static str, shift: i64| {
        let mut q = q.clone();
        q.and_where(Expr::col(("t", column)).is_not_null());
        Keyset::by(
            Expr::col(("t", column)),
            Expr::col(("t", "id")),
            SortDir::Asc,
        )
        .apply(&mut q, &shifted(anchor, shift), limit);
        q
    };
    let mut rows: Vec<TicketRow> = c.all(&walk("sla_due", 0)).await?;
    rows.extend(c.all::<TicketRow>(&walk("sla_left", now)).await?);
    // Query order: ascending, or descending for the last rows and those before a cursor.
    let descending = matches!(anchor, Anchor::Last | Anchor::Before(_));
    rows.sort_by_key(|r| (r.sla_order, r.id));
    if descending {
        rows.reverse();
    }
    rows.truncate(limit as usize + 1);
    Ok(finish(rows, anchor, limit))
}

/// The anchor in a walk whose key is the sort key minus `shift`.
fn shifted(anchor: &Anchor, shift: i64) -> Anchor {
    let cursor = |c: &Cursor| Cursor {
        key: match &c.key {
            Some(SortValue::Int(k)) => Some(SortValue::Int(k.saturating_sub(shift))),
            Some(SortValue::Time(t)) => Some(SortValue::Int(t.timestamp().saturating_sub(shift))),
            Some(SortValue::Text(_)) | None => None,
        },
        id: c.id,
    };
    match anchor {
        Anchor::First => Anchor::First,
        Anchor::Last => Anchor::Last,
        Anchor::After(c) => Anchor::After(cursor(c)),
        Anchor::Before(c) => Anchor::Before(cursor(c)),
        Anchor::From(c) => Anchor::From(cursor(c)),
    }
}

pub async fn get(c: &mut impl Conn, id: i64) -> Result<Option<TicketRow>> {
    let mut q = base(Utc::now().timestamp());
    q.and_where(Expr::col(("t", "id")).eq(id));
    c.opt(&q).await
}

pub async fn get_by_reference(c: &mut impl Conn, reference: &str) -> Result<Option<TicketRow>> {
    let mut q = base(Utc::now().timestamp());
    q.and_where(Expr::col(("t", "reference")).eq(reference.trim().to_uppercase()));
    c.opt(&q).await
}

/// The ticket's body (kept out of list rows: it can be large).
pub async fn body(c: &mut impl Conn, id: i64) -> Result<Option<String>> {
    let q = Query::select()
        .column("body")
        .from("support_tickets")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    Ok(c.opt::<(String,)>(&q).await?.map(|r| r.0))
}

/// How the ticket was solved, once it was.
pub async fn resolution(c: &mut impl Conn, id: i64) -> Result<Option<String>> {
    let q = Query::select()
        .column("resolution")
        .from("support_tickets")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    Ok(c.opt::<(Option<String>,)>(&q).await?.and_then(|r| r.0))
}

pub async fn cas_update(
    tx: &mut Tx,
    id: i64,
    lock_version: i64,
    values: Vec<(&'static str, Value)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let q = schema::SUPPORT_TICKETS
        .cas_update(id, lock_version, values, now)
        .value("last_activity_at", now)
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// A ticket opened by staff, e.g. the follow-up of a closed one.
pub struct NewTicket<'a> {
    pub requester_id: i64,
    pub assignee_id: Option<i64>,
    pub project_id: Option<i64>,
    pub subject: &'a str,
    pub body: &'a str,
    pub category: &'a str,
    pub priority: &'a str,
    pub status: &'a str,
    pub first_response_due_at: DateTime<Utc>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolution_due_at: DateTime<Utc>,
    pub follows_ticket_id: Option<i64>,
    pub now: DateTime<Utc>,
}

/// Inserts the ticket and gives it the reference lists print (`TCK-<year>-<id, 6 digits>`),
/// which needs its id. Returns the id and the reference.
pub async fn insert(tx: &mut Tx, t: &NewTicket<'_>) -> Result<(i64, String)> {
    use chrono::Datelike;
    // Unique until the id is known; replaced in the same transaction.
    let provisional = format!("TCK-NEW-{}", uuid::Uuid::new_v4());
    let q = schema::SUPPORT_TICKETS.insert_new(
        t.now,
        [
            ("reference", provisional.into()),
            ("requester_id", t.requester_id.into()),
            ("assignee_id", t.assignee_id.into()),
            ("project_id", t.project_id.into()),
            ("subject", t.subject.into()),
            ("body", t.body.into()),
            ("category", t.category.into()),
            ("priority", t.priority.into()),
            ("status", t.status.into()),
            ("first_response_due_at", t.first_response_due_at.into()),
            ("first_responded_at", t.first_responded_at.into()),
            ("resolution_due_at", t.resolution_due_at.into()),
            ("paused_seconds", 0i64.into()),
            ("last_activity_at", t.now.into()),
            ("follows_ticket_id", t.follows_ticket_id.into()),
            ("lock_version", 0i64.into()),
        ],
    );
    let id = tx.insert_id(&q).await?;
    let reference = format!("TCK-{}-{id:06}", t.now.year());
    let named = Query::update()
        .table("support_tickets")
        .value("reference", reference.as_str())
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    tx.exec(&named).await?;
    Ok((id, reference))
}

/// The ticket this one follows up, and the follow-ups opened from it: (id, reference) each.
pub async fn follow_links(
    c: &mut impl Conn,
    id: i64,
) -> Result<(Option<(i64, String)>, Vec<(i64, String)>)> {
    let follows = Query::select()
        .columns([("p", "id"), ("p", "reference")])
        .from_as("support_tickets", "t")
        .join_as(
            JoinType::InnerJoin,
            "support_tickets",
            "p",
            Expr::col(("p", "id")).equals(("t", "follows_ticket_id")),
        )
        .and_where(Expr::col(("t", "id")).eq(id))
        .to_owned();
    let follow_ups = Query::select()
        .columns(["id", "reference"])
        .from("support_tickets")
        .and_where(Expr::col("follows_ticket_id").eq(id))
        .order_by("id", sea_query::Order::Asc)
        .limit(20)
        .to_owned();
    Ok((c.opt(&follows).await?, c.all(&follow_ups).await?))
}
