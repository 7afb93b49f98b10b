-- 35. The key a back-office session was opened with over SSH: revoking the key ends the
-- sessions it opened, live.
ALTER TABLE staff_sessions
    ADD COLUMN ssh_key_id BIGINT UNSIGNED NULL DEFAULT NULL,
    ADD KEY staff_sessions_ssh_key_index (ssh_key_id),
    ADD CONSTRAINT staff_sessions_ssh_key_id_foreign FOREIGN KEY (ssh_key_id) REFERENCES staff_ssh_keys (id);
