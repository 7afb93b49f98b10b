-- 13. notifications: Laravel's database channel.
CREATE TABLE notifications (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    notifiable_type TEXT NOT NULL,
    notifiable_id   BIGINT NOT NULL,
    data            JSONB NOT NULL,
    read_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ
);
CREATE INDEX notifications_notifiable_index ON notifications (notifiable_type, notifiable_id, created_at);
-- Unread counts per staff member stay cheap however many notifications there are.
CREATE INDEX notifications_unread_index ON notifications (notifiable_id, notifiable_type) WHERE read_at IS NULL;

-- New notifications are announced too, so unread counts update live.
CREATE FUNCTION obryl_notify_notification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('obryl_events', json_build_object(
        'table', 'notifications',
        'id', NEW.id,
        'notifiable_id', NEW.notifiable_id)::text);
    RETURN NEW;
END;
$$;
CREATE TRIGGER notifications_notify AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION obryl_notify_notification();
