-- F. Public API tokens (only the SHA-256 is stored) and webhooks with an outbox.
-- personal_access_tokens is Sanctum's table when the platform uses Sanctum: created with
-- Sanctum's own definition only if it is missing (its tokenable index is the one the postgres
-- schema names personal_access_tokens_tokenable_index). The 64-character rule on token is
-- added as a named CHECK, if not already there; Sanctum always stores 64 hex digits.
CREATE TABLE IF NOT EXISTS personal_access_tokens (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tokenable_type VARCHAR(255) NOT NULL,
    tokenable_id   BIGINT UNSIGNED NOT NULL,
    name           VARCHAR(255) NOT NULL,
    token          VARCHAR(64) NOT NULL,
    abilities      TEXT NULL,
    last_used_at   TIMESTAMP NULL DEFAULT NULL,
    expires_at     TIMESTAMP NULL DEFAULT NULL,
    created_at     TIMESTAMP NULL DEFAULT NULL,
    updated_at     TIMESTAMP NULL DEFAULT NULL,
    UNIQUE KEY personal_access_tokens_token_unique (token),
    KEY personal_access_tokens_tokenable_type_tokenable_id_index (tokenable_type, tokenable_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE personal_access_tokens
    ADD CONSTRAINT IF NOT EXISTS personal_access_tokens_token_length CHECK (CHAR_LENGTH(token) = 64);

-- LIKE 'whsec_%' as on PostgreSQL ('_' matches any one character there too).
CREATE TABLE webhook_endpoints (
    id                         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    url                        TEXT NOT NULL,
    description                TEXT NULL,
    secret                     VARCHAR(255) NOT NULL CHECK (secret LIKE 'whsec_%'),
    previous_secret            VARCHAR(255) NULL DEFAULT NULL,
    previous_secret_expires_at TIMESTAMP(6) NULL DEFAULT NULL,
    event_types                JSON NOT NULL DEFAULT ('[]'),
    status                     VARCHAR(32) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
    disabled_reason            TEXT NULL,
    created_at                 TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at                 TIMESTAMP(6) NULL DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The outbox: written in the same transaction as the change it announces. event_id compares
-- byte for byte.
CREATE TABLE webhook_events (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    type       VARCHAR(255) NOT NULL,
    payload    JSON NOT NULL,
    created_at TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY webhook_events_event_id_unique (event_id),
    KEY webhook_events_type_index (type, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE webhook_deliveries (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    webhook_event_id    BIGINT UNSIGNED NOT NULL,
    webhook_endpoint_id BIGINT UNSIGNED NOT NULL,
    attempt             BIGINT NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    status              VARCHAR(32) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'gave_up')),
    response_status     BIGINT NULL DEFAULT NULL,
    last_error          TEXT NULL,
    next_attempt_at     TIMESTAMP(6) NULL DEFAULT NULL,
    created_at          TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at          TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY webhook_deliveries_event_endpoint_attempt_unique (webhook_event_id, webhook_endpoint_id, attempt),
    KEY webhook_deliveries_due_index (status, next_attempt_at),
    CONSTRAINT webhook_deliveries_webhook_event_id_foreign FOREIGN KEY (webhook_event_id) REFERENCES webhook_events (id),
    CONSTRAINT webhook_deliveries_webhook_endpoint_id_foreign FOREIGN KEY (webhook_endpoint_id) REFERENCES webhook_endpoints (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
