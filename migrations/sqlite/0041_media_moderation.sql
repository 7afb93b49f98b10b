-- 41. Media moderation: who decided and when, and why a rejection. `awaiting` is 1 while an
-- item waits for a decision (derived from its status, so rows the platform writes are never
-- out of step) and orders the queue: pending first, newest first within, by one index.
ALTER TABLE media ADD COLUMN moderated_by INTEGER REFERENCES users (id);
ALTER TABLE media ADD COLUMN moderated_at TIMESTAMP;
ALTER TABLE media ADD COLUMN moderation_reason TEXT;
ALTER TABLE media ADD COLUMN awaiting INTEGER GENERATED ALWAYS AS (CASE moderation_status WHEN 'pending' THEN 1 ELSE 0 END) VIRTUAL;
CREATE INDEX media_queue_index ON media (awaiting, id);
CREATE INDEX media_collection_index ON media (collection_name, awaiting, id);
