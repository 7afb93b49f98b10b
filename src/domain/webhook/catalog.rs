//! The event types partners subscribe to: every type the services put in the outbox, and
//! `webhook.test`. Each has a payload version: the shape of its `data` (documented in
//! docs/WEBHOOKS.md) changes only with a new version. `*` subscribes to every type.

/// One event type of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventType {
    pub name: &'static str,
    /// The payload version of this type's `data`.
    pub version: u32,
    pub description: &'static str,
}

/// The type of the event a staff member sends to check an endpoint; only that endpoint gets it.
pub const TEST_EVENT: &str = "webhook.test";

/// Subscribes to every type (but not to another endpoint's test events).
pub const ALL_TYPES: &str = "*";

const fn t(name: &'static str, description: &'static str) -> EventType {
    EventType {
        name,
        version: 1,
        description,
    }
}

pub const EVENT_TYPES: &[EventType] = &[
    t("article.updated", "An article's text was edited"),
    t("article.draft", "An article went back to draft"),
    t("article.review", "An article was submitted for review"),
    t("article.published", "An article was published"),
    t("article.archived", "An article was archived"),
    t(
        "commission.created",
        "A commission was requested on a project",
    ),
    t(
        "commission.first_approved",
        "A commission above the threshold got its first approval",
    ),
    t("commission.approved", "A commission was approved"),
    t(
        "commission.rejected",
        "A commission was rejected, with a reason",
    ),
    t("commission.paid", "A commission was paid"),
    t("commission.cancelled", "A commission was cancelled"),
    t(
        "ext_commission.first_approved",
        "An external commission got its first approval",
    ),
    t(
        "ext_commission.approved",
        "An external contributor's commission was approved",
    ),
    t(
        "ext_commission.rejected",
        "An external contributor's commission was rejected",
    ),
    t(
        "ext_commission.paid",
        "An external contributor's commission was paid",
    ),
    t(
        "ext_commission.cancelled",
        "An external contributor's commission was cancelled",
    ),
    t("escrow.held", "A client's payment is held in escrow"),
    t(
        "escrow.released",
        "Escrowed funds were released (by staff or automatically)",
    ),
    t(
        "escrow.refunded",
        "Escrowed funds were refunded to the client",
    ),
    t(
        "escrow.dispute_decided",
        "A dispute was decided: escrow split between the parties",
    ),
    t(
        "payment.succeeded",
        "A payment provider confirmed a transaction",
    ),
    t("payment.failed", "A payment provider refused a transaction"),
    t("payout.created", "A batch of developer payouts was created"),
    t("project.created", "A project was created"),
    t("project.assigned", "A developer was assigned to a project"),
    t(
        "project.status_changed",
        "A project moved to another status",
    ),
    t(
        "project.message_posted",
        "A message was posted in a project's conversation",
    ),
    t("review.created", "A review was left on a completed project"),
    t("review.hidden", "A review was hidden by moderation"),
    t("review.restored", "A hidden review was restored"),
    t("setting.updated", "A platform setting was changed"),
    t("support_ticket.created", "A support ticket was opened"),
    t(
        "support_ticket.assigned",
        "A support ticket was assigned to an agent",
    ),
    t(
        "support_ticket.unassigned",
        "A support ticket's agent was removed",
    ),
    t(
        "support_ticket.status_changed",
        "A support ticket moved to another status",
    ),
    t(
        "support_ticket.updated",
        "A support ticket's priority or project changed",
    ),
    t(
        "support_ticket.replied",
        "Support replied to a ticket (internal notes are not sent)",
    ),
    t(
        "support_ticket.sla_breached",
        "A support ticket passed its SLA target",
    ),
    t("user.created", "A staff account was created"),
    t(
        "user.updated",
        "An account's roles, availability or capacity changed",
    ),
    t("user.deleted", "An account was deleted"),
    t(
        "workload.updated",
        "A developer's planned hours on a project changed",
    ),
    t(
        TEST_EVENT,
        "A test event sent to one endpoint by a staff member",
    ),
];

pub fn event_type(name: &str) -> Option<&'static EventType> {
    EVENT_TYPES.iter().find(|t| t.name == name)
}

/// The subscriptions that name no known type (`*` is known).
pub fn unknown_types(types: &[String]) -> Vec<String> {
    types
        .iter()
        .filter(|t| t.as_str() != ALL_TYPES && event_type(t).is_none())
        .cloned()
        .collect()
}

/// Whether an endpoint subscribed to `types` gets events of type `kind` (test events go only
/// to the endpoint they were sent to, whatever it subscribed to).
pub fn subscribed(types: &[String], kind: &str) -> bool {
    kind != TEST_EVENT && types.iter().any(|t| t == ALL_TYPES || t == kind)
}
