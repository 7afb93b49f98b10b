-- 30. The delivery queue: due attempts are found from the pending rows alone, however many
-- finished attempts the table keeps. MariaDB has no partial index (postgres: WHERE status =
-- 'pending'): status leads the index instead, so the pending rows are one range of it.
CREATE INDEX webhook_deliveries_pending_index ON webhook_deliveries (status, next_attempt_at, id);

-- Counters read as 64-bit integers, like every other number of the schema.
ALTER TABLE webhook_endpoints
    MODIFY COLUMN failure_streak BIGINT NOT NULL DEFAULT 0,
    MODIFY COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE webhook_deliveries MODIFY COLUMN latency_ms BIGINT NULL DEFAULT NULL;
