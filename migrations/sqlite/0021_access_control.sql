-- Access control. Every login attempt, for throttling (per account and per source) and the
-- audit log; never the password.
CREATE TABLE login_attempts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email      TEXT NOT NULL,
    user_id    INTEGER REFERENCES users (id),
    source     TEXT NOT NULL,
    succeeded  BOOLEAN NOT NULL,
    reason     TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_email_index ON login_attempts (email, created_at);
CREATE INDEX login_attempts_source_index ON login_attempts (source, created_at);

-- Every TUI login now has a session row (checked at every write); only remembered ones have
-- their token kept in the data directory.
ALTER TABLE staff_sessions ADD COLUMN remembered BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE staff_sessions ADD COLUMN source TEXT;
ALTER TABLE staff_sessions ADD COLUMN revoked_by INTEGER REFERENCES users (id);
CREATE INDEX staff_sessions_live_index ON staff_sessions (user_id, revoked_at, expires_at);

-- Editors write the help centre; the audit log is not theirs to read.
DELETE FROM role_has_permissions
WHERE role_id IN (SELECT id FROM roles WHERE name = 'editor')
  AND permission_id IN (SELECT id FROM permissions WHERE name = 'audit.view');
