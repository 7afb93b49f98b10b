-- 12. audit_logs: owen-it/laravel-auditing columns. Append-only: rows are never edited.
CREATE TABLE audit_logs (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_type      VARCHAR(255) NULL DEFAULT NULL,
    user_id        BIGINT UNSIGNED NULL DEFAULT NULL,
    event          VARCHAR(255) NOT NULL,
    auditable_type VARCHAR(255) NOT NULL,
    auditable_id   BIGINT UNSIGNED NOT NULL,
    old_values     JSON NULL,
    new_values     JSON NULL,
    url            TEXT NULL,
    ip_address     VARCHAR(45) NULL DEFAULT NULL,
    user_agent     TEXT NULL,
    tags           TEXT NULL,
    created_at     TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at     TIMESTAMP(6) NULL DEFAULT NULL,
    KEY audit_logs_auditable_index (auditable_type, auditable_id, id),
    KEY audit_logs_user_index (user_id, id),
    KEY audit_logs_created_at_index (created_at, id),
    KEY audit_logs_event_index (event, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Rows are refused any change. MariaDB has no statement triggers: TRUNCATE TABLE (which needs
-- the DROP privilege) is not covered; grant the application user no DROP on this table.
CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_logs is append-only';
CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_logs is append-only';

-- PostgreSQL also announces every new row on a NOTIFY channel. MariaDB has no LISTEN/NOTIFY:
-- open back-offices poll for rows with a higher id instead.
