-- 37. Referral codes as staff manage them: caps per currency (minor units, per reward and per
-- referral), who created the code, and its disabled state (a disabled code brings no more
-- sign-ups; what it brought stays).
ALTER TABLE referral_codes ADD COLUMN reward_caps TEXT NOT NULL DEFAULT '{}';
ALTER TABLE referral_codes ADD COLUMN created_by INTEGER REFERENCES users (id);
ALTER TABLE referral_codes ADD COLUMN disabled_at TIMESTAMP;
ALTER TABLE referral_codes ADD COLUMN disabled_by INTEGER REFERENCES users (id);
