-- 30. The delivery queue: due attempts are found from the pending rows alone, however many
-- finished attempts the table keeps.
CREATE INDEX webhook_deliveries_pending_index ON webhook_deliveries (next_attempt_at, id)
    WHERE status = 'pending';

-- Counters read as 64-bit integers, like every other number of the schema.
ALTER TABLE webhook_endpoints ALTER COLUMN failure_streak TYPE BIGINT;
ALTER TABLE webhook_endpoints ALTER COLUMN version TYPE BIGINT;
ALTER TABLE webhook_deliveries ALTER COLUMN latency_ms TYPE BIGINT;
