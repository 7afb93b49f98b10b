//! One list of columns per table, shared by the store's statements (`Table::insert` and its
//! kin check every column they name against it) and the data generator (the seed writes every
//! table through `bulk::insert_rows` in exactly the order of `columns`). The money tables are
//! listed in `schema_finance`, re-exported here.

pub use super::schema_finance::*;
pub use super::table::Table;

/// Every table of the schema (the migrations'), each once.
pub const ALL: &[Table] = &[
    USERS,
    MODEL_HAS_ROLES,
    MODEL_HAS_PERMISSIONS,
    ROLES,
    PERMISSIONS,
    ROLE_HAS_PERMISSIONS,
    CURRENCIES,
    SETTINGS,
    STAFF_SESSIONS,
    STAFF_SSH_KEYS,
    LOGIN_ATTEMPTS,
    AUDIT_LOGS,
    PROFILES,
    PROJECTS,
    REVIEWS,
    WORKLOAD,
    SUPPORT_TICKETS,
    CONVERSATIONS,
    CONVERSATION_PARTICIPANTS,
    MESSAGES,
    NOTIFICATIONS,
    ARTICLES,
    MEDIA,
    PERSONAL_ACCESS_TOKENS,
    WEBHOOK_ENDPOINTS,
    WEBHOOK_EVENTS,
    WEBHOOK_DELIVERIES,
    WORKER_LEASES,
    COMMISSIONS,
    EXT_COMMISSIONS,
    LEDGER_ACCOUNTS,
    LEDGER_TRANSFERS,
    ESCROWS,
    PAYMENT_TRANSACTIONS,
    REFERRAL_CODES,
    REFERRALS,
    REFERRAL_REWARDS,
    PAYABLE_BALANCES,
    ANALYTICS_DAILY,
];

/// The table called `name`, if the schema has one.
pub fn find(name: &str) -> Option<Table> {
    ALL.iter().find(|t| t.name == name).copied()
}

/// Accounts: staff, clients and developers (soft-deleted ones keep their row).
pub const USERS: Table = Table {
    name: "users",
    columns: &[
        "id",
        "name",
        "name_key",
        "email",
        "email_verified_at",
        "password",
        "remember_token",
        "phone",
        "locale",
        "timezone",
        "created_at",
        "updated_at",
        "deleted_at",
    ],
    others: &[],
};

/// Spatie role assignments of users.
pub const MODEL_HAS_ROLES: Table = Table {
    name: "model_has_roles",
    columns: &["role_id", "model_type", "model_id"],
    others: &[],
};

/// Spatie permissions held by users directly.
pub const MODEL_HAS_PERMISSIONS: Table = Table {
    name: "model_has_permissions",
    columns: &["permission_id", "model_type", "model_id"],
    others: &[],
};

/// Spatie roles.
pub const ROLES: Table = Table {
    name: "roles",
    columns: &["id", "name", "guard_name", "created_at", "updated_at"],
    others: &[],
};

/// Spatie permissions.
pub const PERMISSIONS: Table = Table {
    name: "permissions",
    columns: &["id", "name", "guard_name", "created_at", "updated_at"],
    others: &[],
};

/// The permissions each spatie role carries.
pub const ROLE_HAS_PERMISSIONS: Table = Table {
    name: "role_has_permissions",
    columns: &["permission_id", "role_id"],
    others: &[],
};

/// Currencies money is kept in, with their minor-unit exponent.
pub const CURRENCIES: Table = Table {
    name: "currencies",
    columns: &["code", "name", "exponent", "symbol"],
    others: &[],
};

/// Settings (spatie/laravel-settings): `group` + `name` -> JSON payload.
pub const SETTINGS: Table = Table {
    name: "settings",
    columns: &[
        "id",
        "group",
        "name",
        "locked",
        "payload",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Back-office sessions (only the SHA-256 of a token is stored).
pub const STAFF_SESSIONS: Table = Table {
    name: "staff_sessions",
    columns: &[
        "id",
        "user_id",
        "token_hash",
        "host",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "remembered",
        "source",
        "revoked_by",
        "ssh_key_id",
    ],
    others: &[],
};

/// Back-office login attempts, for throttling and audit.
pub const LOGIN_ATTEMPTS: Table = Table {
    name: "login_attempts",
    columns: &[
        "id",
        "email",
        "user_id",
        "source",
        "succeeded",
        "reason",
        "created_at",
    ],
    others: &[],
};

/// The audit trail: who changed what, with old and new values.
pub const AUDIT_LOGS: Table = Table {
    name: "audit_logs",
    columns: &[
        "id",
        "user_type",
        "user_id",
        "event",
        "auditable_type",
        "auditable_id",
        "old_values",
        "new_values",
        "url",
        "ip_address",
        "user_agent",
        "tags",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Client and developer profiles (a user may hold one of each).
pub const PROFILES: Table = Table {
    name: "profiles",
    columns: &[
        "id",
        "user_id",
        "type",
        "display_name",
        "company_name",
        "bio",
        "country",
        "city",
        "skills",
        "hourly_rate",
        "hourly_rate_currency",
        "availability",
        "weekly_capacity_hours",
        "max_active_projects",
        "payout_method",
        "payout_account",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Projects from draft to completion or cancellation.
pub const PROJECTS: Table = Table {
    name: "projects",
    columns: &[
        "id",
        "client_id",
        "developer_id",
        "title",
        "slug",
        "description",
        "budget_amount",
        "agreed_amount",
        "currency",
        "status",
        "estimated_hours",
        "starts_on",
        "deadline_at",
        "assigned_at",
        "started_at",
        "delivered_at",
        "completed_at",
        "cancelled_at",
        "lock_version",
        "created_at",
        "updated_at",
        "deleted_at",
        "skills",
    ],
    others: &[],
};

/// One review per party per completed project, with its moderation.
pub const REVIEWS: Table = Table {
    name: "reviews",
    columns: &[
        "id",
        "project_id",
        "reviewer_id",
        "reviewee_id",
        "rating",
        "comment",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Planned and logged hours per developer, project and ISO week.
pub const WORKLOAD: Table = Table {
    name: "workload",
    columns: &[
        "id",
        "developer_id",
        "project_id",
        "week_start",
        "planned_hours",
        "logged_hours",
        "lock_version",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Support tickets with their SLA stamps.
pub const SUPPORT_TICKETS: Table = Table {
    name: "support_tickets",
    columns: &[
        "id",
        "reference",
        "requester_id",
        "assignee_id",
        "project_id",
        "subject",
        "body",
        "category",
        "priority",
        "status",
        "first_response_due_at",
        "first_responded_at",
        "resolution_due_at",
        "resolved_at",
        "closed_at",
        "paused_seconds",
        "paused_since",
        "resolution",
        "last_activity_at",
        "follows_ticket_id",
        "lock_version",
        "created_at",
        "updated_at",
    ],
    others: &["sla_breach_notified_at"],
};

/// Conversations about a project or a ticket.
pub const CONVERSATIONS: Table = Table {
    name: "conversations",
    columns: &[
        "id",
        "subject_type",
        "subject_id",
        "title",
        "last_message_at",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Who takes part in a conversation, with read and presence marks.
pub const CONVERSATION_PARTICIPANTS: Table = Table {
    name: "conversation_participants",
    columns: &[
        "id",
        "conversation_id",
        "user_id",
        "last_read_message_id",
        "typing_at",
        "viewing_at",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Messages of conversations (internal notes included).
pub const MESSAGES: Table = Table {
    name: "messages",
    columns: &[
        "id",
        "conversation_id",
        "sender_id",
        "body",
        "is_internal",
        "edited_at",
        "created_at",
        "updated_at",
        "deleted_at",
        // A system message's key and values (rendered in each reader's language).
        "data",
    ],
    others: &[],
};

/// Database notifications of users.
pub const NOTIFICATIONS: Table = Table {
    name: "notifications",
    columns: &[
        "id",
        "type",
        "notifiable_type",
        "notifiable_id",
        "data",
        "read_at",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Blog articles.
pub const ARTICLES: Table = Table {
    name: "articles",
    columns: &[
        "id",
        "author_id",
        "title",
        "slug",
        "excerpt",
        "body",
        "status",
        "published_at",
        "lock_version",
        "created_at",
        "updated_at",
        "deleted_at",
    ],
    others: &[],
};

/// Portfolio media attached to models (spatie media library).
pub const MEDIA: Table = Table {
    name: "media",
    columns: &[
        "id",
        "model_type",
        "model_id",
        "uuid",
        "collection_name",
        "name",
        "file_name",
        "mime_type",
        "disk",
        "conversions_disk",
        "size",
        "manipulations",
        "custom_properties",
        "generated_conversions",
        "responsive_images",
        "order_column",
        "moderation_status",
        "created_at",
        "updated_at",
    ],
    // Written by moderation (`awaiting` is generated from the status by the database).
    others: &["moderated_by", "moderated_at", "moderation_reason"],
};

/// API tokens (only their SHA-256 is stored).
pub const PERSONAL_ACCESS_TOKENS: Table = Table {
    name: "personal_access_tokens",
    columns: &[
        "id",
        "tokenable_type",
        "tokenable_id",
        "name",
        "token",
        "abilities",
        "last_used_at",
        "expires_at",
        "created_at",
        "updated_at",
    ],
    others: &[],
};

/// Subscribed webhook endpoints with their signing secrets.
pub const WEBHOOK_ENDPOINTS: Table = Table {
    name: "webhook_endpoints",
    columns: &[
        "id",
        "url",
        "description",
        "secret",
        "previous_secret",
        "previous_secret_expires_at",
        "event_types",
        "status",
        "disabled_reason",
        "created_at",
        "updated_at",
    ],
    others: &["failure_streak", "version", "disabled_at"],
};

/// The webhook outbox: one event per change sent out.
pub const WEBHOOK_EVENTS: Table = Table {
    name: "webhook_events",
    columns: &["id", "event_id", "type", "payload", "created_at"],
    others: &[],
};

/// Delivery attempts of webhook events to endpoints.
pub const WEBHOOK_DELIVERIES: Table = Table {
    name: "webhook_deliveries",
    columns: &[
        "id",
        "webhook_event_id",
        "webhook_endpoint_id",
        "attempt",
        "status",
        "response_status",
        "last_error",
        "next_attempt_at",
        "created_at",
        "updated_at",
    ],
    others: &[
        "attempted_at",
        "latency_ms",
        "response_excerpt",
        "leased_by",
        "leased_until",
    ],
};

/// Named leases of work only one worker may do at a time.
pub const WORKER_LEASES: Table = Table {
    name: "worker_leases",
    columns: &["name", "holder", "expires_at"],
    others: &[],
};

/// Staff members' SSH public keys (revoked ones stay, with who revoked them).
pub const STAFF_SSH_KEYS: Table = Table {
    name: "staff_ssh_keys",
    columns: &[
        "id",
        "user_id",
        "algorithm",
        "public_key",
        "fingerprint",
        "comment",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ],
    others: &[],
};
