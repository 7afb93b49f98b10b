-- 12. audit_logs: owen-it/laravel-auditing columns. Append-only: rows are never edited.
CREATE TABLE audit_logs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_type      TEXT,
    user_id        INTEGER,
    event          TEXT NOT NULL,
    auditable_type TEXT NOT NULL,
    auditable_id   INTEGER NOT NULL,
    old_values     TEXT,
    new_values     TEXT,
    url            TEXT,
    ip_address     TEXT,
    user_agent     TEXT,
    tags           TEXT,
    created_at     TIMESTAMP,
    updated_at     TIMESTAMP
);
CREATE INDEX audit_logs_auditable_index ON audit_logs (auditable_type, auditable_id, id);
CREATE INDEX audit_logs_user_index ON audit_logs (user_id, id);
CREATE INDEX audit_logs_created_at_index ON audit_logs (created_at, id);
CREATE INDEX audit_logs_event_index ON audit_logs (event, id);

CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs
BEGIN
    SELECT RAISE(ABORT, 'audit_logs is append-only');
END;
CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs
BEGIN
    SELECT RAISE(ABORT, 'audit_logs is append-only');
END;
