-- 27. escrows: a decision above the dual-approval threshold waits for a second, different
-- finance member: what was asked (JSON: action, amount, split, reason), by whom, when.
ALTER TABLE escrows
    ADD COLUMN pending_decision JSON NULL,
    ADD COLUMN pending_by BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD COLUMN pending_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD KEY escrows_pending_by_index (pending_by),
    ADD CONSTRAINT escrows_pending_by_foreign FOREIGN KEY (pending_by) REFERENCES users (id);
