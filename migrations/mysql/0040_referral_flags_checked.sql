-- 40. Fraud flags on referrals the platform records: when the back-office last computed a
-- referral's signals (NULL: never; `obryl referral check` and the worker compute those). The
-- index finds the unchecked ones without reading the table.
ALTER TABLE referrals
    ADD COLUMN flags_checked_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD KEY referrals_flags_checked_at_index (flags_checked_at, id);
