-- 13. notifications: Laravel's database channel (uuid id, as Laravel's CHAR(36)).
CREATE TABLE notifications (
    id              CHAR(36) NOT NULL PRIMARY KEY,
    type            VARCHAR(255) NOT NULL,
    notifiable_type VARCHAR(255) NOT NULL,
    notifiable_id   BIGINT UNSIGNED NOT NULL,
    data            JSON NOT NULL,
    read_at         TIMESTAMP(6) NULL DEFAULT NULL,
    created_at      TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at      TIMESTAMP(6) NULL DEFAULT NULL,
    KEY notifications_notifiable_index (notifiable_type, notifiable_id, created_at),
    -- Unread counts per staff member stay cheap however many notifications there are. The
    -- postgres index is partial (WHERE read_at IS NULL); here read_at is its last column.
    KEY notifications_unread_index (notifiable_id, notifiable_type, read_at),
    -- The change feed polls the newest creation time.
    KEY notifications_created_index (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- PostgreSQL announces new notifications on a NOTIFY channel; MariaDB has none: unread counts
-- are polled.
