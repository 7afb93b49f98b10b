-- A. Escrow as a double-entry ledger (TigerBeetle's model). Transfers are append-only.
CREATE TABLE ledger_accounts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    code            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('psp_clearing', 'client_funds', 'escrow', 'developer_payable', 'contributor_payable', 'referral_payable', 'platform_revenue', 'psp_fees')),
    currency        TEXT NOT NULL REFERENCES currencies (code),
    owner_type      TEXT,
    owner_id        INTEGER,
    balance_rule    TEXT NOT NULL DEFAULT 'none' CHECK (balance_rule IN ('none', 'debits_must_not_exceed_credits', 'credits_must_not_exceed_debits')),
    debits_pending  INTEGER NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    debits_posted   INTEGER NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_pending INTEGER NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    credits_posted  INTEGER NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    created_at      TIMESTAMP,
    updated_at      TIMESTAMP,
    UNIQUE (code, currency)
);
CREATE INDEX ledger_accounts_owner_index ON ledger_accounts (owner_type, owner_id);

CREATE TABLE ledger_transfers (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key   TEXT NOT NULL UNIQUE,
    debit_account_id  INTEGER NOT NULL REFERENCES ledger_accounts (id),
    credit_account_id INTEGER NOT NULL REFERENCES ledger_accounts (id),
    amount            INTEGER NOT NULL CHECK (amount > 0),
    currency          TEXT NOT NULL REFERENCES currencies (code),
    phase             TEXT NOT NULL DEFAULT 'single' CHECK (phase IN ('single', 'pending', 'post_pending', 'void_pending')),
    pending_id        INTEGER UNIQUE REFERENCES ledger_transfers (id),
    code              INTEGER NOT NULL DEFAULT 0,
    project_id        INTEGER REFERENCES projects (id),
    batch_id          TEXT,
    expires_at        TIMESTAMP,
    created_at        TIMESTAMP,
    CHECK (debit_account_id <> credit_account_id),
    CHECK ((phase IN ('post_pending', 'void_pending')) = (pending_id IS NOT NULL))
);
CREATE INDEX ledger_transfers_debit_index ON ledger_transfers (debit_account_id, id);
CREATE INDEX ledger_transfers_credit_index ON ledger_transfers (credit_account_id, id);
CREATE INDEX ledger_transfers_project_index ON ledger_transfers (project_id);
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE ON ledger_transfers
BEGIN
    SELECT RAISE(ABORT, 'ledger_transfers is append-only');
END;
CREATE TRIGGER ledger_transfers_no_delete BEFORE DELETE ON ledger_transfers
BEGIN
    SELECT RAISE(ABORT, 'ledger_transfers is append-only');
END;

CREATE TABLE escrows (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id      INTEGER NOT NULL UNIQUE REFERENCES projects (id),
    currency        TEXT NOT NULL REFERENCES currencies (code),
    amount_held     INTEGER NOT NULL DEFAULT 0 CHECK (amount_held >= 0),
    amount_released INTEGER NOT NULL DEFAULT 0 CHECK (amount_released >= 0),
    amount_refunded INTEGER NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
    status          TEXT NOT NULL DEFAULT 'awaiting_funds' CHECK (status IN ('awaiting_funds', 'held', 'expired', 'partially_released', 'released', 'partially_refunded', 'refunded', 'disputed')),
    provider        TEXT CHECK (provider IN ('stripe', 'cinetpay', 'mtn_momo', 'orange_money', 'wave', 'moov_money')),
    hold_transfer_id INTEGER REFERENCES ledger_transfers (id),
    lock_version    INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP,
    updated_at      TIMESTAMP,
    CHECK (amount_released + amount_refunded <= amount_held)
);

CREATE TABLE payment_transactions (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id         INTEGER REFERENCES projects (id),
    escrow_id          INTEGER REFERENCES escrows (id),
    provider           TEXT NOT NULL CHECK (provider IN ('stripe', 'cinetpay', 'mtn_momo', 'orange_money', 'wave', 'moov_money')),
    provider_reference TEXT NOT NULL,
    direction          TEXT NOT NULL CHECK (direction IN ('collection', 'payout', 'refund')),
    amount             INTEGER NOT NULL CHECK (amount > 0),
    currency           TEXT NOT NULL REFERENCES currencies (code),
    status             TEXT NOT NULL DEFAULT 'initiated' CHECK (status IN ('initiated', 'pending', 'succeeded', 'failed', 'cancelled')),
    failure_reason     TEXT,
    created_at         TIMESTAMP,
    updated_at         TIMESTAMP,
    UNIQUE (provider, provider_reference)
);
CREATE INDEX payment_transactions_escrow_index ON payment_transactions (escrow_id);
