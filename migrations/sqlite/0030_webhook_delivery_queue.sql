-- 30. The delivery queue: due attempts are found from the pending rows alone, however many
-- finished attempts the table keeps.
CREATE INDEX webhook_deliveries_pending_index ON webhook_deliveries (next_attempt_at, id)
    WHERE status = 'pending';
