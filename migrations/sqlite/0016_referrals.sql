-- D. Referrals: rewards come out of the platform's commission, one per referral x commission.
CREATE TABLE referral_codes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    code            TEXT NOT NULL UNIQUE,
    reward_rate_bps INTEGER NOT NULL CHECK (reward_rate_bps BETWEEN 0 AND 10000),
    max_uses        INTEGER CHECK (max_uses IS NULL OR max_uses >= 0),
    uses            INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
    expires_at      TIMESTAMP,
    created_at      TIMESTAMP,
    updated_at      TIMESTAMP,
    CHECK (max_uses IS NULL OR uses <= max_uses)
);
CREATE TABLE referrals (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    referral_code_id INTEGER NOT NULL REFERENCES referral_codes (id),
    referrer_id      INTEGER NOT NULL REFERENCES users (id),
    referred_user_id INTEGER NOT NULL UNIQUE REFERENCES users (id),
    created_at       TIMESTAMP,
    updated_at       TIMESTAMP,
    CHECK (referrer_id <> referred_user_id)
);
CREATE TABLE referral_rewards (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    referral_id        INTEGER NOT NULL REFERENCES referrals (id),
    commission_id      INTEGER NOT NULL REFERENCES commissions (id),
    amount             INTEGER NOT NULL CHECK (amount >= 0),
    currency           TEXT NOT NULL REFERENCES currencies (code),
    status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'paid', 'cancelled')),
    ledger_transfer_id INTEGER REFERENCES ledger_transfers (id),
    lock_version       INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMP,
    updated_at         TIMESTAMP,
    UNIQUE (referral_id, commission_id)
);
CREATE INDEX referral_rewards_commission_index ON referral_rewards (commission_id);
