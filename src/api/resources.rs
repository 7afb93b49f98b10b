//! What partners see of each resource (docs/API.md lists the fields and why others are left
//! out). Money is an integer amount in minor units with its ISO 4217 currency; times are RFC
//! 3339 in UTC to the second, dates `YYYY-MM-DD`.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use crate::store::partner_reads::{CommissionRow, EscrowRow, TicketRow};
use crate::store::projects::ProjectRow;

fn time(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Money {
    pub amount: i64,
    pub currency: String,
}

fn money(amount: i64, currency: &str) -> Money {
    Money {
        amount,
        currency: currency.to_owned(),
    }
}

/// A platform user as partners see them: an id and a display name, no contact details.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Party {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Project {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub status: String,
    pub client: Party,
    pub developer: Option<Party>,
    pub budget: Money,
    pub agreed: Option<Money>,
    pub estimated_hours: Option<i64>,
    pub skills: Vec<String>,
    pub starts_on: Option<String>,
    pub deadline_at: Option<String>,
    pub assigned_at: Option<String>,
    pub started_at: Option<String>,
    pub delivered_at: Option<String>,
    pub completed_at: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl From<ProjectRow> for Project {
    fn from(p: ProjectRow) -> Project {
        let developer = match (p.developer_id, p.developer_name) {
            (Some(id), Some(name)) => Some(Party { id, name }),
            _ => None,
        };
        Project {
            id: p.id,
            title: p.title,
            slug: p.slug,
            status: p.status,
            client: Party {
                id: p.client_id,
                name: p.client_name,
            },
            developer,
            budget: money(p.budget_amount, &p.currency),
            agreed: p.agreed_amount.map(|a| money(a, &p.currency)),
            estimated_hours: p.estimated_hours,
            skills: p.skills,
            starts_on: date(p.starts_on),
            deadline_at: time(p.deadline_at),
            assigned_at: time(p.assigned_at),
            started_at: time(p.started_at),
            delivered_at: time(p.delivered_at),
            completed_at: time(p.completed_at),
            created_at: time(p.created_at),
            updated_at: time(p.updated_at),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Commission {
    pub id: i64,
    pub project_id: i64,
    pub status: String,
    pub gross: Money,
    pub rate_bps: i64,
    pub amount: Money,
    pub created_at: Option<String>,
    pub approved_at: Option<String>,
    pub rejected_at: Option<String>,
    pub paid_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub updated_at: Option<String>,
}

impl From<CommissionRow> for Commission {
    fn from(c: CommissionRow) -> Commission {
        Commission {
            id: c.id,
            project_id: c.project_id,
            status: c.status,
            gross: money(c.gross_amount, &c.currency),
            rate_bps: c.rate_bps,
            amount: money(c.amount, &c.currency),
            created_at: time(c.created_at),
            approved_at: time(c.approved_at),
            rejected_at: time(c.rejected_at),
            paid_at: time(c.paid_at),
            cancelled_at: time(c.cancelled_at),
            updated_at: time(c.updated_at),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Escrow {
    pub id: i64,
    pub project_id: i64,
    pub status: String,
    pub provider: Option<String>,
    pub held: Money,
    pub released: Money,
    pub refunded: Money,
    pub remaining: Money,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl From<EscrowRow> for Escrow {
    fn from(e: EscrowRow) -> Escrow {
        let remaining = e.amount_held - e.amount_released - e.amount_refunded;
        Escrow {
            id: e.id,
            project_id: e.project_id,
            status: e.status,
            provider: e.provider,
            held: money(e.amount_held, &e.currency),
            released: money(e.amount_released, &e.currency),
            refunded: money(e.amount_refunded, &e.currency),
            remaining: money(remaining, &e.currency),
            created_at: time(e.created_at),
            updated_at: time(e.updated_at),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ticket {
    pub id: i64,
    pub reference: String,
    pub project_id: Option<i64>,
    pub requester_id: i64,
    pub subject: String,
    pub category: String,
    pub priority: String,
    pub status: String,
    pub first_response_due_at: Option<String>,
    pub first_responded_at: Option<String>,
    pub resolution_due_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl From<TicketRow> for Ticket {
    fn from(t: TicketRow) -> Ticket {
        Ticket {
            id: t.id,
            reference: t.reference,
            project_id: t.project_id,
            requester_id: t.requester_id,
            subject: t.subject,
            category: t.category,
            priority: t.priority,
            status: t.status,
            first_response_due_at: time(t.first_response_due_at),
            first_responded_at: time(t.first_responded_at),
            resolution_due_at: time(t.resolution_due_at),
            resolved_at: time(t.resolved_at),
            closed_at: time(t.closed_at),
            created_at: time(t.created_at),
            updated_at: time(t.updated_at),
        }
    }
}
