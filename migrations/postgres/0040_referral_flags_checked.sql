-- 40. Fraud flags on referrals the platform records: when the back-office last computed a
-- referral's signals (NULL: never; `obryl referral check` and the worker compute those). The
-- index finds the unchecked ones without reading the table.
ALTER TABLE referrals ADD COLUMN flags_checked_at TIMESTAMPTZ;
CREATE INDEX referrals_flags_checked_at_index ON referrals (flags_checked_at, id);
