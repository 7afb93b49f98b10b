-- 13. notifications: Laravel's database channel.
CREATE TABLE notifications (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    notifiable_type TEXT NOT NULL,
    notifiable_id   INTEGER NOT NULL,
    data            TEXT NOT NULL,
    read_at         TIMESTAMP,
    created_at      TIMESTAMP,
    updated_at      TIMESTAMP
);
CREATE INDEX notifications_notifiable_index ON notifications (notifiable_type, notifiable_id, created_at);
-- Unread counts per staff member stay cheap however many notifications there are.
CREATE INDEX notifications_unread_index ON notifications (notifiable_id, notifiable_type) WHERE read_at IS NULL;
