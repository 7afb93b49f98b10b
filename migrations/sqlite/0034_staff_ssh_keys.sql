-- 34. Staff members' SSH public keys, for the back-office served over SSH: the key's
-- algorithm and base64 blob as OpenSSH writes them, its SHA256 fingerprint as `ssh-keygen -l`
-- prints it (unique: a key belongs to one person), who registered it, its last use, and its
-- revocation (the row stays for the history; a revoked key never authenticates).
CREATE TABLE staff_ssh_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    algorithm    TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    fingerprint  TEXT NOT NULL UNIQUE,
    comment      TEXT,
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    revoked_by   INTEGER REFERENCES users (id)
);
CREATE INDEX staff_ssh_keys_user_index ON staff_ssh_keys (user_id);
