-- Remembered back-office logins: only the SHA-256 of the token is stored.
-- The NOT NULL times carry an explicit DEFAULT CURRENT_TIMESTAMP(6) (obryl always writes
-- them): without one, a server running with explicit_defaults_for_timestamp=OFF would give the
-- first TIMESTAMP column ON UPDATE CURRENT_TIMESTAMP and the others a zero date. A missing
-- expires_at thus means "expired at creation".
CREATE TABLE staff_sessions (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT UNSIGNED NOT NULL,
    token_hash   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    host         TEXT NULL,
    created_at   TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at   TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_used_at TIMESTAMP(6) NULL DEFAULT NULL,
    revoked_at   TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY staff_sessions_token_hash_unique (token_hash),
    KEY staff_sessions_user_index (user_id),
    CONSTRAINT staff_sessions_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
