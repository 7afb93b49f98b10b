-- 1. users: Laravel 11 columns + phone (E.164), locale, time zone, soft delete.
CREATE TABLE currencies (
    code       TEXT PRIMARY KEY CHECK (length(code) = 3),
    name       TEXT NOT NULL,
    exponent   INTEGER NOT NULL CHECK (exponent BETWEEN 0 AND 4),
    symbol     TEXT NOT NULL
);

CREATE TABLE users (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL,
    email             TEXT NOT NULL UNIQUE,
    email_verified_at TIMESTAMP,
    password          TEXT NOT NULL,
    remember_token    TEXT,
    phone             TEXT,
    locale            TEXT NOT NULL DEFAULT 'fr',
    timezone          TEXT NOT NULL DEFAULT 'Africa/Dakar',
    created_at        TIMESTAMP,
    updated_at        TIMESTAMP,
    deleted_at        TIMESTAMP
);
CREATE INDEX users_name_index ON users (name);
