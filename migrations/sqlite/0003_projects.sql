-- 3. projects: the central entity. developer_id is never the client.
CREATE TABLE projects (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id            INTEGER NOT NULL REFERENCES users (id),
    developer_id         INTEGER REFERENCES users (id),
    title                TEXT NOT NULL,
    slug                 TEXT NOT NULL UNIQUE,
    description          TEXT NOT NULL DEFAULT '',
    budget_amount        INTEGER NOT NULL CHECK (budget_amount >= 0),
    agreed_amount        INTEGER CHECK (agreed_amount IS NULL OR agreed_amount >= 0),
    currency             TEXT NOT NULL REFERENCES currencies (code),
    status               TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'assigned', 'in_progress', 'delivered', 'revision_requested', 'completed', 'disputed', 'cancelled')),
    estimated_hours      INTEGER CHECK (estimated_hours IS NULL OR estimated_hours >= 0),
    starts_on            TEXT,
    deadline_at          TIMESTAMP,
    assigned_at          TIMESTAMP,
    started_at           TIMESTAMP,
    delivered_at         TIMESTAMP,
    completed_at         TIMESTAMP,
    cancelled_at         TIMESTAMP,
    lock_version         INTEGER NOT NULL DEFAULT 0,
    created_at           TIMESTAMP,
    updated_at           TIMESTAMP,
    deleted_at           TIMESTAMP,
    CHECK (developer_id IS NULL OR developer_id <> client_id)
);
CREATE INDEX projects_status_id_index ON projects (status, id);
CREATE INDEX projects_client_status_index ON projects (client_id, status);
CREATE INDEX projects_developer_status_index ON projects (developer_id, status);
CREATE INDEX projects_deadline_index ON projects (deadline_at, id);
