-- 38. Referral rewards as money that moved: held until the hold days pass, then pending
-- approval (two approvers above the dual-approval threshold and for a flagged referral),
-- rejected with a reason, paid, cancelled when the money behind an unpaid one goes back, or
-- clawed back after payment. A referral keeps the fraud signals computed when it was recorded.
-- SQLite cannot change a CHECK in place: the table is rebuilt (nothing references it).
CREATE TABLE referral_rewards_new (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    referral_id          INTEGER NOT NULL REFERENCES referrals (id),
    commission_id        INTEGER NOT NULL REFERENCES commissions (id),
    amount               INTEGER NOT NULL CHECK (amount >= 0),
    currency             TEXT NOT NULL REFERENCES currencies (code),
    status               TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'pending', 'approved', 'rejected', 'paid', 'cancelled', 'clawed_back')),
    ledger_transfer_id   INTEGER REFERENCES ledger_transfers (id),
    lock_version         INTEGER NOT NULL DEFAULT 0,
    created_at           TIMESTAMP,
    updated_at           TIMESTAMP,
    due_at               TIMESTAMP,
    first_approved_by    INTEGER REFERENCES users (id),
    first_approved_at    TIMESTAMP,
    approved_by          INTEGER REFERENCES users (id),
    approved_at          TIMESTAMP,
    rejected_by          INTEGER REFERENCES users (id),
    rejected_at          TIMESTAMP,
    reason               TEXT,
    cancelled_at         TIMESTAMP,
    clawback_transfer_id INTEGER REFERENCES ledger_transfers (id),
    UNIQUE (referral_id, commission_id)
);
INSERT INTO referral_rewards_new (id, referral_id, commission_id, amount, currency, status,
    ledger_transfer_id, lock_version, created_at, updated_at, due_at)
SELECT id, referral_id, commission_id, amount, currency, status, ledger_transfer_id,
    lock_version, created_at, updated_at, created_at
FROM referral_rewards;
DROP TABLE referral_rewards;
ALTER TABLE referral_rewards_new RENAME TO referral_rewards;
CREATE INDEX referral_rewards_commission_index ON referral_rewards (commission_id);
CREATE INDEX referral_rewards_status_index ON referral_rewards (status, id);
ALTER TABLE referrals ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
