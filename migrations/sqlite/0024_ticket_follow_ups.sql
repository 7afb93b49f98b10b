-- 24. support_tickets: a closed ticket is never reopened; a new message from staff opens a
-- follow-up ticket that names the one it follows.
ALTER TABLE support_tickets ADD COLUMN follows_ticket_id INTEGER REFERENCES support_tickets (id) ON DELETE SET NULL;
CREATE INDEX support_tickets_follows_index ON support_tickets (follows_ticket_id);
