-- 27. escrows: a decision above the dual-approval threshold waits for a second, different
-- finance member: what was asked (JSON: action, amount, split, reason), by whom, when.
ALTER TABLE escrows ADD COLUMN pending_decision TEXT;
ALTER TABLE escrows ADD COLUMN pending_by INTEGER REFERENCES users (id);
ALTER TABLE escrows ADD COLUMN pending_at TIMESTAMP;
