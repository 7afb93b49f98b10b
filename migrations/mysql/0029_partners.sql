-- 29. Partners: webhook delivery by workers, API tokens in use.
-- An endpoint's consecutive failed attempts (reset by a success), its row version for
-- compare-and-set edits, and who created it (to notify the staff who manage webhooks).
ALTER TABLE webhook_endpoints
    ADD COLUMN failure_streak INT NOT NULL DEFAULT 0,
    ADD COLUMN version INT NOT NULL DEFAULT 1,
    ADD COLUMN disabled_at TIMESTAMP(6) NULL DEFAULT NULL;

-- One row per attempt. A pending row is the next attempt, due at next_attempt_at; a worker
-- claims it by setting leased_by/leased_until (a lease that expires, so a crashed worker's
-- claim is taken over) and records the outcome on the same row.
ALTER TABLE webhook_deliveries
    ADD COLUMN attempted_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD COLUMN latency_ms INT NULL DEFAULT NULL,
    ADD COLUMN response_excerpt TEXT NULL,
    ADD COLUMN leased_by VARCHAR(255) NULL DEFAULT NULL,
    ADD COLUMN leased_until TIMESTAMP(6) NULL DEFAULT NULL;
CREATE INDEX webhook_deliveries_endpoint_index ON webhook_deliveries (webhook_endpoint_id, id);
CREATE INDEX webhook_deliveries_event_index ON webhook_deliveries (webhook_event_id, id);

-- Jobs only one worker may run at a time (on SQLite: every job) hold a named lease.
-- expires_at has an explicit default (see 0019): a lease written without one is already over.
CREATE TABLE worker_leases (
    name       VARCHAR(255) NOT NULL PRIMARY KEY,
    holder     VARCHAR(255) NOT NULL,
    expires_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A breached ticket is announced once.
ALTER TABLE support_tickets ADD COLUMN sla_breach_notified_at TIMESTAMP(6) NULL DEFAULT NULL;
