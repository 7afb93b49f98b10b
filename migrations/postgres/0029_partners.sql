-- 29. Partners: webhook delivery by workers, API tokens in use.
-- An endpoint's consecutive failed attempts (reset by a success), its row version for
-- compare-and-set edits, and who created it (to notify the staff who manage webhooks).
ALTER TABLE webhook_endpoints ADD COLUMN failure_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE webhook_endpoints ADD COLUMN disabled_at TIMESTAMPTZ;

-- One row per attempt. A pending row is the next attempt, due at next_attempt_at; a worker
-- claims it by setting leased_by/leased_until (a lease that expires, so a crashed worker's
-- claim is taken over) and records the outcome on the same row.
ALTER TABLE webhook_deliveries ADD COLUMN attempted_at TIMESTAMPTZ;
ALTER TABLE webhook_deliveries ADD COLUMN latency_ms INTEGER;
ALTER TABLE webhook_deliveries ADD COLUMN response_excerpt TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN leased_by TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN leased_until TIMESTAMPTZ;
CREATE INDEX webhook_deliveries_endpoint_index ON webhook_deliveries (webhook_endpoint_id, id);
CREATE INDEX webhook_deliveries_event_index ON webhook_deliveries (webhook_event_id, id);

-- Jobs only one worker may run at a time (on SQLite: every job) hold a named lease.
CREATE TABLE worker_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- A breached ticket is announced once.
ALTER TABLE support_tickets ADD COLUMN sla_breach_notified_at TIMESTAMPTZ;

