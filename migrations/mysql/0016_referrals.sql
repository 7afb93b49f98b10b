-- D. Referrals: rewards come out of the platform's commission, one per referral x commission.
CREATE TABLE referral_codes (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id         BIGINT UNSIGNED NOT NULL,
    code            VARCHAR(255) NOT NULL,
    reward_rate_bps BIGINT NOT NULL CHECK (reward_rate_bps BETWEEN 0 AND 10000),
    max_uses        BIGINT NULL DEFAULT NULL CHECK (max_uses IS NULL OR max_uses >= 0),
    uses            BIGINT NOT NULL DEFAULT 0 CHECK (uses >= 0),
    expires_at      TIMESTAMP(6) NULL DEFAULT NULL,
    created_at      TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at      TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY referral_codes_code_unique (code),
    CONSTRAINT referral_codes_within_max CHECK (max_uses IS NULL OR uses <= max_uses),
    CONSTRAINT referral_codes_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE referrals (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    referral_code_id BIGINT UNSIGNED NOT NULL,
    referrer_id      BIGINT UNSIGNED NOT NULL,
    referred_user_id BIGINT UNSIGNED NOT NULL,
    created_at       TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at       TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY referrals_referred_user_id_unique (referred_user_id),
    CONSTRAINT referrals_not_self CHECK (referrer_id <> referred_user_id),
    CONSTRAINT referrals_referral_code_id_foreign FOREIGN KEY (referral_code_id) REFERENCES referral_codes (id),
    CONSTRAINT referrals_referrer_id_foreign FOREIGN KEY (referrer_id) REFERENCES users (id),
    CONSTRAINT referrals_referred_user_id_foreign FOREIGN KEY (referred_user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE referral_rewards (
    id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    referral_id        BIGINT UNSIGNED NOT NULL,
    commission_id      BIGINT UNSIGNED NOT NULL,
    amount             BIGINT NOT NULL CHECK (amount >= 0),
    currency           VARCHAR(3) NOT NULL,
    status             VARCHAR(32) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'paid', 'cancelled')),
    ledger_transfer_id BIGINT UNSIGNED NULL DEFAULT NULL,
    lock_version       BIGINT NOT NULL DEFAULT 0,
    created_at         TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at         TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY referral_rewards_referral_commission_unique (referral_id, commission_id),
    KEY referral_rewards_commission_index (commission_id),
    CONSTRAINT referral_rewards_referral_id_foreign FOREIGN KEY (referral_id) REFERENCES referrals (id),
    CONSTRAINT referral_rewards_commission_id_foreign FOREIGN KEY (commission_id) REFERENCES commissions (id),
    CONSTRAINT referral_rewards_currency_foreign FOREIGN KEY (currency) REFERENCES currencies (code),
    CONSTRAINT referral_rewards_ledger_transfer_id_foreign FOREIGN KEY (ledger_transfer_id) REFERENCES ledger_transfers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
