-- 38. Referral rewards as money that moved: held until the hold days pass, then pending
-- approval (two approvers above the dual-approval threshold and for a flagged referral),
-- rejected with a reason, paid, cancelled when the money behind an unpaid one goes back, or
-- clawed back after payment. A referral keeps the fraud signals computed when it was recorded.
ALTER TABLE referral_rewards
    MODIFY status VARCHAR(32) NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'pending', 'approved', 'rejected', 'paid', 'cancelled', 'clawed_back')),
    ADD COLUMN due_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD COLUMN first_approved_by BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD COLUMN first_approved_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD COLUMN approved_by BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD COLUMN approved_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD COLUMN rejected_by BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD COLUMN rejected_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD COLUMN reason TEXT NULL DEFAULT NULL,
    ADD COLUMN cancelled_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD COLUMN clawback_transfer_id BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD CONSTRAINT referral_rewards_first_approved_by_foreign FOREIGN KEY (first_approved_by) REFERENCES users (id),
    ADD CONSTRAINT referral_rewards_approved_by_foreign FOREIGN KEY (approved_by) REFERENCES users (id),
    ADD CONSTRAINT referral_rewards_rejected_by_foreign FOREIGN KEY (rejected_by) REFERENCES users (id),
    ADD CONSTRAINT referral_rewards_clawback_transfer_id_foreign FOREIGN KEY (clawback_transfer_id) REFERENCES ledger_transfers (id),
    ADD KEY referral_rewards_status_index (status, id);
UPDATE referral_rewards SET due_at = created_at;
ALTER TABLE referrals ADD COLUMN flags JSON NOT NULL DEFAULT '[]';
