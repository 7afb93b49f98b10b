-- 5. commissions: the platform's share of a project. The rate is a snapshot taken at creation.
-- ledger_transfer_id points into ledger_transfers (created later, so no FK here).
CREATE TABLE commissions (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id         INTEGER NOT NULL REFERENCES projects (id),
    gross_amount       INTEGER NOT NULL CHECK (gross_amount >= 0),
    rate_bps           INTEGER NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
    amount             INTEGER NOT NULL CHECK (amount >= 0 AND amount <= gross_amount),
    currency           TEXT NOT NULL REFERENCES currencies (code),
    status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'paid', 'cancelled')),
    requested_by       INTEGER NOT NULL REFERENCES users (id),
    first_approved_by  INTEGER REFERENCES users (id),
    first_approved_at  TIMESTAMP,
    approved_by        INTEGER REFERENCES users (id),
    approved_at        TIMESTAMP,
    rejected_by        INTEGER REFERENCES users (id),
    rejected_at        TIMESTAMP,
    rejection_reason   TEXT,
    paid_by            INTEGER REFERENCES users (id),
    paid_at            TIMESTAMP,
    payment_reference  TEXT,
    cancelled_by       INTEGER REFERENCES users (id),
    cancelled_at       TIMESTAMP,
    ledger_transfer_id INTEGER,
    lock_version       INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMP,
    updated_at         TIMESTAMP,
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
    CHECK (approved_by IS NULL OR approved_by <> requested_by),
    CHECK (first_approved_by IS NULL OR approved_by IS NULL OR first_approved_by <> approved_by)
);
-- At most one live commission per project.
CREATE UNIQUE INDEX commissions_one_live_per_project ON commissions (project_id) WHERE status IN ('pending', 'approved', 'paid');
CREATE INDEX commissions_status_created_index ON commissions (status, created_at, id);
CREATE INDEX commissions_created_index ON commissions (created_at, id);
