-- 1. users: Laravel 11 columns + phone (E.164), locale, time zone, soft delete.
-- users is the Laravel platform's table when both share the database: it is created with
-- Laravel 11's own definition only if it is missing, then the back-office's columns are added
-- if they are missing (Laravel's types: VARCHAR(255), TIMESTAMP NULL). Laravel's columns are
-- never dropped, renamed or retyped.
CREATE TABLE currencies (
    code     VARCHAR(3) NOT NULL PRIMARY KEY,
    name     VARCHAR(255) NOT NULL,
    exponent BIGINT NOT NULL,
    symbol   VARCHAR(255) NOT NULL,
    CONSTRAINT currencies_code_length CHECK (CHAR_LENGTH(code) = 3),
    CONSTRAINT currencies_exponent_range CHECK (exponent BETWEEN 0 AND 4)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS users (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name              VARCHAR(255) NOT NULL,
    email             VARCHAR(255) NOT NULL,
    email_verified_at TIMESTAMP NULL DEFAULT NULL,
    password          VARCHAR(255) NOT NULL,
    remember_token    VARCHAR(100) NULL DEFAULT NULL,
    created_at        TIMESTAMP NULL DEFAULT NULL,
    updated_at        TIMESTAMP NULL DEFAULT NULL,
    UNIQUE KEY users_email_unique (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE users
    ADD COLUMN IF NOT EXISTS phone      VARCHAR(255) NULL DEFAULT NULL,
    ADD COLUMN IF NOT EXISTS locale     VARCHAR(255) NOT NULL DEFAULT 'fr',
    ADD COLUMN IF NOT EXISTS timezone   VARCHAR(255) NOT NULL DEFAULT 'Africa/Dakar',
    ADD COLUMN IF NOT EXISTS deleted_at TIMESTAMP NULL DEFAULT NULL;
CREATE INDEX IF NOT EXISTS users_name_index ON users (name);
