-- 39. Referral rewards paid through payouts: the payout that paid a reward, and for a clawed
-- back one the payout whose netting recovered it (NULL while the referrer still owes it).
ALTER TABLE referral_rewards
    ADD COLUMN payout_id BIGINT REFERENCES payment_transactions (id),
    ADD COLUMN recovered_payout_id BIGINT REFERENCES payment_transactions (id),
    ADD COLUMN recovered_at TIMESTAMPTZ;
CREATE INDEX referral_rewards_payout_index ON referral_rewards (payout_id);
