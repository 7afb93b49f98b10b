-- 24. support_tickets: a closed ticket is never reopened; a new message from staff opens a
-- follow-up ticket that names the one it follows.
ALTER TABLE support_tickets
    ADD COLUMN follows_ticket_id BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD KEY support_tickets_follows_index (follows_ticket_id),
    ADD CONSTRAINT support_tickets_follows_ticket_id_foreign FOREIGN KEY (follows_ticket_id) REFERENCES support_tickets (id) ON DELETE SET NULL;
