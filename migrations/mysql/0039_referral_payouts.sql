-- 39. Referral rewards paid through payouts: the payout that paid a reward, and for a clawed
-- back one the payout whose netting recovered it (NULL while the referrer still owes it).
ALTER TABLE referral_rewards
    ADD COLUMN payout_id BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD COLUMN recovered_payout_id BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD COLUMN recovered_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD CONSTRAINT referral_rewards_payout_id_foreign FOREIGN KEY (payout_id) REFERENCES payment_transactions (id),
    ADD CONSTRAINT referral_rewards_recovered_payout_id_foreign FOREIGN KEY (recovered_payout_id) REFERENCES payment_transactions (id);
