//! One list of columns per table, shared by the store's inserts and the data generator (the
//! seed writes every table through `bulk::insert_rows` in exactly this column order).

/// A table and the columns written to it, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
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
};

/// Spatie role assignments of users.
pub const MODEL_HAS_ROLES: Table = Table {
    name: "model_has_roles",
    columns: &["role_id", "model_type", "model_id"],
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
};

/// Platform commissions on delivered projects, with four-eyes approval.
pub const COMMISSIONS: Table = Table {
    name: "commissions",
    columns: &[
        "id",
        "project_id",
        "gross_amount",
        "rate_bps",
        "amount",
        "currency",
        "requested_by",
        "status",
        "first_approved_by",
        "first_approved_at",
        "approved_by",
        "approved_at",
        "rejected_by",
        "rejected_at",
        "rejection_reason",
        "paid_by",
        "paid_at",
        "payment_reference",
        "cancelled_by",
        "cancelled_at",
        "ledger_transfer_id",
        "lock_version",
        "created_at",
        "updated_at",
    ],
};

/// Shares of a project paid to external contributors, approved like commissions.
pub const EXT_COMMISSIONS: Table = Table {
    name: "ext_commissions",
    columns: &[
        "id",
        "project_id",
        "contributor_user_id",
        "contributor_name",
        "contributor_email",
        "contributor_phone",
        "role",
        "basis",
        "rate_bps",
        "amount",
        "currency",
        "requested_by",
        "status",
        "first_approved_by",
        "first_approved_at",
        "approved_by",
        "approved_at",
        "rejected_by",
        "rejected_at",
        "rejection_reason",
        "paid_by",
        "paid_at",
        "payment_reference",
        "cancelled_by",
        "cancelled_at",
        "ledger_transfer_id",
        "lock_version",
        "created_at",
        "updated_at",
    ],
};

/// Double-entry ledger accounts with their cached totals.
pub const LEDGER_ACCOUNTS: Table = Table {
    name: "ledger_accounts",
    columns: &[
        "id",
        "code",
        "kind",
        "currency",
        "owner_type",
        "owner_id",
        "balance_rule",
        "debits_pending",
        "debits_posted",
        "credits_pending",
        "credits_posted",
        "created_at",
        "updated_at",
    ],
};

/// Ledger transfers between two accounts.
pub const LEDGER_TRANSFERS: Table = Table {
    name: "ledger_transfers",
    columns: &[
        "id",
        "idempotency_key",
        "debit_account_id",
        "credit_account_id",
        "amount",
        "currency",
        "phase",
        "pending_id",
        "code",
        "project_id",
        "batch_id",
        "expires_at",
        "created_at",
    ],
};

/// Client money held per project until release or refund.
pub const ESCROWS: Table = Table {
    name: "escrows",
    columns: &[
        "id",
        "project_id",
        "currency",
        "amount_held",
        "amount_released",
        "amount_refunded",
        "status",
        "provider",
        "hold_transfer_id",
        "lock_version",
        "created_at",
        "updated_at",
        "pending_decision",
        "pending_by",
        "pending_at",
    ],
};

/// Payments in and out through the providers.
pub const PAYMENT_TRANSACTIONS: Table = Table {
    name: "payment_transactions",
    columns: &[
        "id",
        "project_id",
        "escrow_id",
        "provider",
        "provider_reference",
        "direction",
        "amount",
        "currency",
        "status",
        "failure_reason",
        "created_at",
        "updated_at",
        "batch_id",
    ],
};

/// Referral codes users hand out.
pub const REFERRAL_CODES: Table = Table {
    name: "referral_codes",
    columns: &[
        "id",
        "user_id",
        "code",
        "reward_rate_bps",
        "max_uses",
        "uses",
        "expires_at",
        "created_at",
        "updated_at",
    ],
};

/// Users who signed up with a referral code.
pub const REFERRALS: Table = Table {
    name: "referrals",
    columns: &[
        "id",
        "referral_code_id",
        "referrer_id",
        "referred_user_id",
        "created_at",
        "updated_at",
    ],
};

/// Rewards owed to referrers on their referrals' commissions.
pub const REFERRAL_REWARDS: Table = Table {
    name: "referral_rewards",
    columns: &[
        "id",
        "referral_id",
        "commission_id",
        "amount",
        "currency",
        "status",
        "ledger_transfer_id",
        "lock_version",
        "created_at",
        "updated_at",
    ],
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
    ],
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
};

/// The webhook outbox: one event per change sent out.
pub const WEBHOOK_EVENTS: Table = Table {
    name: "webhook_events",
    columns: &["id", "event_id", "type", "payload", "created_at"],
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
};
