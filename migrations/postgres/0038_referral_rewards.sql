-- 38. Referral rewards as money that moved: held until the hold days pass, then pending
-- approval (two approvers above the dual-approval threshold and for a flagged referral),
-- rejected with a reason, paid, cancelled when the money behind an unpaid one goes back, or
-- clawed back after payment. A referral keeps the fraud signals computed when it was recorded.
ALTER TABLE referral_rewards DROP CONSTRAINT referral_rewards_status_check;
ALTER TABLE referral_rewards ADD CONSTRAINT referral_rewards_status_check
    CHECK (status IN ('held', 'pending', 'approved', 'rejected', 'paid', 'cancelled', 'clawed_back'));
ALTER TABLE referral_rewards ALTER COLUMN status SET DEFAULT 'held';
ALTER TABLE referral_rewards
    ADD COLUMN due_at TIMESTAMPTZ,
    ADD COLUMN first_approved_by BIGINT REFERENCES users (id),
    ADD COLUMN first_approved_at TIMESTAMPTZ,
    ADD COLUMN approved_by BIGINT REFERENCES users (id),
    ADD COLUMN approved_at TIMESTAMPTZ,
    ADD COLUMN rejected_by BIGINT REFERENCES users (id),
    ADD COLUMN rejected_at TIMESTAMPTZ,
    ADD COLUMN reason TEXT,
    ADD COLUMN cancelled_at TIMESTAMPTZ,
    ADD COLUMN clawback_transfer_id BIGINT REFERENCES ledger_transfers (id);
UPDATE referral_rewards SET due_at = created_at;
CREATE INDEX referral_rewards_status_index ON referral_rewards (status, id);
ALTER TABLE referrals ADD COLUMN flags JSONB NOT NULL DEFAULT '[]';
