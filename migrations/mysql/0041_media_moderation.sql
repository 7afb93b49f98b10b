-- 41. Media moderation: who decided and when, and why a rejection. `awaiting` is 1 while an
-- item waits for a decision (derived from its status, so rows the platform writes are never
-- out of step) and orders the queue: pending first, newest first within, by one index.
ALTER TABLE media
    ADD COLUMN moderated_by BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD COLUMN moderated_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD COLUMN moderation_reason TEXT NULL,
    ADD COLUMN awaiting BIGINT AS (IF(moderation_status = 'pending', 1, 0)) PERSISTENT,
    ADD CONSTRAINT media_moderated_by_foreign FOREIGN KEY (moderated_by) REFERENCES users (id),
    ADD INDEX media_queue_index (awaiting, id),
    ADD INDEX media_collection_index (collection_name, awaiting, id);
