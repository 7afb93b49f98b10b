-- F. Public API tokens (only the SHA-256 is stored) and webhooks with an outbox.
CREATE TABLE personal_access_tokens (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tokenable_type TEXT NOT NULL,
    tokenable_id   INTEGER NOT NULL,
    name           TEXT NOT NULL,
    token          TEXT NOT NULL UNIQUE CHECK (length(token) = 64),
    abilities      TEXT,
    last_used_at   TIMESTAMP,
    expires_at     TIMESTAMP,
    created_at     TIMESTAMP,
    updated_at     TIMESTAMP
);
CREATE INDEX personal_access_tokens_tokenable_index ON personal_access_tokens (tokenable_type, tokenable_id);

CREATE TABLE webhook_endpoints (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    url                        TEXT NOT NULL,
    description                TEXT,
    secret                     TEXT NOT NULL CHECK (secret LIKE 'whsec_%'),
    previous_secret            TEXT,
    previous_secret_expires_at TIMESTAMP,
    event_types                TEXT NOT NULL DEFAULT '[]',
    status                     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
    disabled_reason            TEXT,
    created_at                 TIMESTAMP,
    updated_at                 TIMESTAMP
);

-- The outbox: written in the same transaction as the change it announces.
CREATE TABLE webhook_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id   TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TIMESTAMP
);
CREATE INDEX webhook_events_type_index ON webhook_events (type, id);

CREATE TABLE webhook_deliveries (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_event_id    INTEGER NOT NULL REFERENCES webhook_events (id),
    webhook_endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id),
    attempt             INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'gave_up')),
    response_status     INTEGER,
    last_error          TEXT,
    next_attempt_at     TIMESTAMP,
    created_at          TIMESTAMP,
    updated_at          TIMESTAMP,
    UNIQUE (webhook_event_id, webhook_endpoint_id, attempt)
);
CREATE INDEX webhook_deliveries_due_index ON webhook_deliveries (status, next_attempt_at);
