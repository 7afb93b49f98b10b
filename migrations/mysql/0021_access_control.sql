-- Access control. Every login attempt, for throttling (per account and per source) and the
-- audit log; never the password.
CREATE TABLE login_attempts (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email      VARCHAR(255) NOT NULL,
    user_id    BIGINT UNSIGNED NULL DEFAULT NULL,
    source     VARCHAR(255) NOT NULL,
    succeeded  TINYINT(1) NOT NULL,
    reason     TEXT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    KEY login_attempts_email_index (email, created_at),
    KEY login_attempts_source_index (source, created_at),
    CONSTRAINT login_attempts_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every TUI login now has a session row (checked at every write); only remembered ones have
-- their token kept in the data directory.
ALTER TABLE staff_sessions
    ADD COLUMN remembered TINYINT(1) NOT NULL DEFAULT 1,
    ADD COLUMN source TEXT NULL,
    ADD COLUMN revoked_by BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD KEY staff_sessions_revoked_by_index (revoked_by),
    ADD KEY staff_sessions_live_index (user_id, revoked_at, expires_at),
    ADD CONSTRAINT staff_sessions_revoked_by_foreign FOREIGN KEY (revoked_by) REFERENCES users (id);

-- Editors write the help centre; the audit log is not theirs to read.
DELETE FROM role_has_permissions
WHERE role_id IN (SELECT id FROM roles WHERE name = 'editor')
  AND permission_id IN (SELECT id FROM permissions WHERE name = 'audit.view');
