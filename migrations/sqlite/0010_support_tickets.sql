-- 10. support_tickets: Zendesk-style states; SLA due/done stamps and paused seconds.
CREATE TABLE support_tickets (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    reference             TEXT NOT NULL UNIQUE,
    requester_id          INTEGER NOT NULL REFERENCES users (id),
    assignee_id           INTEGER REFERENCES users (id),
    project_id            INTEGER REFERENCES projects (id),
    subject               TEXT NOT NULL,
    body                  TEXT NOT NULL DEFAULT '',
    category              TEXT NOT NULL DEFAULT 'other' CHECK (category IN ('billing', 'technical', 'dispute', 'account', 'other')),
    priority              TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status                TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    first_response_due_at TIMESTAMP,
    first_responded_at    TIMESTAMP,
    resolution_due_at     TIMESTAMP,
    resolved_at           TIMESTAMP,
    closed_at             TIMESTAMP,
    paused_seconds        INTEGER NOT NULL DEFAULT 0 CHECK (paused_seconds >= 0),
    paused_since          TIMESTAMP,
    resolution            TEXT,
    last_activity_at      TIMESTAMP,
    lock_version          INTEGER NOT NULL DEFAULT 0,
    created_at            TIMESTAMP,
    updated_at            TIMESTAMP
);
CREATE INDEX support_tickets_status_due_index ON support_tickets (status, resolution_due_at, id);
CREATE INDEX support_tickets_assignee_status_index ON support_tickets (assignee_id, status);
CREATE INDEX support_tickets_requester_index ON support_tickets (requester_id);
CREATE INDEX support_tickets_created_index ON support_tickets (created_at, id);
