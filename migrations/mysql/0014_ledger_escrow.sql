-- A. Escrow as a double-entry ledger (TigerBeetle's model). Transfers are append-only.
CREATE TABLE ledger_accounts (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code            VARCHAR(255) NOT NULL,
    kind            VARCHAR(32) NOT NULL CHECK (kind IN ('psp_clearing', 'client_funds', 'escrow', 'developer_payable', 'contributor_payable', 'referral_payable', 'platform_revenue', 'psp_fees')),
    currency        VARCHAR(3) NOT NULL,
    owner_type      VARCHAR(255) NULL DEFAULT NULL,
    owner_id        BIGINT UNSIGNED NULL DEFAULT NULL,
    balance_rule    VARCHAR(32) NOT NULL DEFAULT 'none' CHECK (balance_rule IN ('none', 'debits_must_not_exceed_credits', 'credits_must_not_exceed_debits')),
    debits_pending  BIGINT NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    debits_posted   BIGINT NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_pending BIGINT NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    credits_posted  BIGINT NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    created_at      TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at      TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY ledger_accounts_code_currency_unique (code, currency),
    KEY ledger_accounts_owner_index (owner_type, owner_id),
    CONSTRAINT ledger_accounts_currency_foreign FOREIGN KEY (currency) REFERENCES currencies (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- idempotency_key compares byte for byte (utf8mb4_bin), as on PostgreSQL: keys differing in
-- case are different keys.
CREATE TABLE ledger_transfers (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    idempotency_key   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    debit_account_id  BIGINT UNSIGNED NOT NULL,
    credit_account_id BIGINT UNSIGNED NOT NULL,
    amount            BIGINT NOT NULL CHECK (amount > 0),
    currency          VARCHAR(3) NOT NULL,
    phase             VARCHAR(32) NOT NULL DEFAULT 'single' CHECK (phase IN ('single', 'pending', 'post_pending', 'void_pending')),
    pending_id        BIGINT UNSIGNED NULL DEFAULT NULL,
    code              BIGINT NOT NULL DEFAULT 0,
    project_id        BIGINT UNSIGNED NULL DEFAULT NULL,
    batch_id          VARCHAR(255) NULL DEFAULT NULL,
    expires_at        TIMESTAMP(6) NULL DEFAULT NULL,
    created_at        TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY ledger_transfers_idempotency_key_unique (idempotency_key),
    UNIQUE KEY ledger_transfers_pending_id_unique (pending_id),
    KEY ledger_transfers_debit_index (debit_account_id, id),
    KEY ledger_transfers_credit_index (credit_account_id, id),
    KEY ledger_transfers_project_index (project_id),
    CONSTRAINT ledger_transfers_two_accounts CHECK (debit_account_id <> credit_account_id),
    CONSTRAINT ledger_transfers_pending_phase CHECK ((phase IN ('post_pending', 'void_pending')) = (pending_id IS NOT NULL)),
    CONSTRAINT ledger_transfers_debit_account_id_foreign FOREIGN KEY (debit_account_id) REFERENCES ledger_accounts (id),
    CONSTRAINT ledger_transfers_credit_account_id_foreign FOREIGN KEY (credit_account_id) REFERENCES ledger_accounts (id),
    CONSTRAINT ledger_transfers_currency_foreign FOREIGN KEY (currency) REFERENCES currencies (code),
    CONSTRAINT ledger_transfers_pending_id_foreign FOREIGN KEY (pending_id) REFERENCES ledger_transfers (id),
    CONSTRAINT ledger_transfers_project_id_foreign FOREIGN KEY (project_id) REFERENCES projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE escrows (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    project_id       BIGINT UNSIGNED NOT NULL,
    currency         VARCHAR(3) NOT NULL,
    amount_held      BIGINT NOT NULL DEFAULT 0 CHECK (amount_held >= 0),
    amount_released  BIGINT NOT NULL DEFAULT 0 CHECK (amount_released >= 0),
    amount_refunded  BIGINT NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
    status           VARCHAR(32) NOT NULL DEFAULT 'awaiting_funds' CHECK (status IN ('awaiting_funds', 'held', 'expired', 'partially_released', 'released', 'partially_refunded', 'refunded', 'disputed')),
    provider         VARCHAR(32) NULL DEFAULT NULL CHECK (provider IN ('stripe', 'cinetpay', 'mtn_momo', 'orange_money', 'wave', 'moov_money')),
    hold_transfer_id BIGINT UNSIGNED NULL DEFAULT NULL,
    lock_version     BIGINT NOT NULL DEFAULT 0,
    created_at       TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at       TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY escrows_project_id_unique (project_id),
    CONSTRAINT escrows_within_held CHECK (amount_released + amount_refunded <= amount_held),
    CONSTRAINT escrows_project_id_foreign FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT escrows_currency_foreign FOREIGN KEY (currency) REFERENCES currencies (code),
    CONSTRAINT escrows_hold_transfer_id_foreign FOREIGN KEY (hold_transfer_id) REFERENCES ledger_transfers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- provider_reference compares byte for byte: providers' ids are case-sensitive.
CREATE TABLE payment_transactions (
    id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    project_id         BIGINT UNSIGNED NULL DEFAULT NULL,
    escrow_id          BIGINT UNSIGNED NULL DEFAULT NULL,
    provider           VARCHAR(32) NOT NULL CHECK (provider IN ('stripe', 'cinetpay', 'mtn_momo', 'orange_money', 'wave', 'moov_money')),
    provider_reference VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    direction          VARCHAR(32) NOT NULL CHECK (direction IN ('collection', 'payout', 'refund')),
    amount             BIGINT NOT NULL CHECK (amount > 0),
    currency           VARCHAR(3) NOT NULL,
    status             VARCHAR(32) NOT NULL DEFAULT 'initiated' CHECK (status IN ('initiated', 'pending', 'succeeded', 'failed', 'cancelled')),
    failure_reason     TEXT NULL,
    created_at         TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at         TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY payment_transactions_provider_reference_unique (provider, provider_reference),
    KEY payment_transactions_escrow_index (escrow_id),
    CONSTRAINT payment_transactions_project_id_foreign FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT payment_transactions_escrow_id_foreign FOREIGN KEY (escrow_id) REFERENCES escrows (id),
    CONSTRAINT payment_transactions_currency_foreign FOREIGN KEY (currency) REFERENCES currencies (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Transfers are never changed: mistakes are corrected by new transfers. TRUNCATE is refused by
-- InnoDB already, since escrows and referral_rewards reference this table.
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE ON ledger_transfers FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger_transfers is append-only';
CREATE TRIGGER ledger_transfers_no_delete BEFORE DELETE ON ledger_transfers FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger_transfers is append-only';
