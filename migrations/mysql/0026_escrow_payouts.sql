-- 26. The money path as staff work it: escrows listed by status, payment transactions by
-- provider and time (statements are reconciled over a period), payouts grouped in batches.
CREATE INDEX escrows_status_index ON escrows (status, id);
CREATE INDEX payment_transactions_provider_created_index ON payment_transactions (provider, created_at);
ALTER TABLE payment_transactions ADD COLUMN batch_id VARCHAR(255) NULL DEFAULT NULL;
CREATE INDEX payment_transactions_batch_index ON payment_transactions (batch_id);
CREATE INDEX ledger_transfers_batch_index ON ledger_transfers (batch_id);
