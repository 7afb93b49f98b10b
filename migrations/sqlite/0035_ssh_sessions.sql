-- 35. The key a back-office session was opened with over SSH: revoking the key ends the
-- sessions it opened, live.
ALTER TABLE staff_sessions ADD COLUMN ssh_key_id INTEGER REFERENCES staff_ssh_keys (id);
CREATE INDEX staff_sessions_ssh_key_index ON staff_sessions (ssh_key_id);
