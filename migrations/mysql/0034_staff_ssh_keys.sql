-- 34. Staff members' SSH public keys, for the back-office served over SSH: the key's
-- algorithm and base64 blob as OpenSSH writes them, its SHA256 fingerprint as `ssh-keygen -l`
-- prints it (unique: a key belongs to one person; compared byte for byte, base64 is
-- case-sensitive), who registered it, its last use, and its revocation (the row stays for the
-- history; a revoked key never authenticates). created_at has an explicit default (see 0019).
CREATE TABLE staff_ssh_keys (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT UNSIGNED NOT NULL,
    algorithm    VARCHAR(255) NOT NULL,
    public_key   TEXT NOT NULL,
    fingerprint  VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    comment      TEXT NULL,
    created_by   BIGINT UNSIGNED NULL DEFAULT NULL,
    created_at   TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_used_at TIMESTAMP(6) NULL DEFAULT NULL,
    revoked_at   TIMESTAMP(6) NULL DEFAULT NULL,
    revoked_by   BIGINT UNSIGNED NULL DEFAULT NULL,
    UNIQUE KEY staff_ssh_keys_fingerprint_unique (fingerprint),
    KEY staff_ssh_keys_user_index (user_id),
    CONSTRAINT staff_ssh_keys_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT staff_ssh_keys_created_by_foreign FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT staff_ssh_keys_revoked_by_foreign FOREIGN KEY (revoked_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
