-- 39. Referral rewards paid through payouts: the payout that paid a reward, and for a clawed
-- back one the payout whose netting recovered it (NULL while the referrer still owes it).
ALTER TABLE referral_rewards ADD COLUMN payout_id INTEGER REFERENCES payment_transactions (id);
ALTER TABLE referral_rewards ADD COLUMN recovered_payout_id INTEGER REFERENCES payment_transactions (id);
ALTER TABLE referral_rewards ADD COLUMN recovered_at TIMESTAMP;
CREATE INDEX referral_rewards_payout_index ON referral_rewards (payout_id);
