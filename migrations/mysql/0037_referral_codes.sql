-- 37. Referral codes as staff manage them: caps per currency (minor units, per reward and per
-- referral), who created the code, and its disabled state (a disabled code brings no more
-- sign-ups; what it brought stays).
ALTER TABLE referral_codes
    ADD COLUMN reward_caps JSON NOT NULL DEFAULT '{}',
    ADD COLUMN created_by BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD COLUMN disabled_at TIMESTAMP(6) NULL DEFAULT NULL,
    ADD COLUMN disabled_by BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD CONSTRAINT referral_codes_created_by_foreign FOREIGN KEY (created_by) REFERENCES users (id),
    ADD CONSTRAINT referral_codes_disabled_by_foreign FOREIGN KEY (disabled_by) REFERENCES users (id);
