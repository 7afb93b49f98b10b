-- 11. settings: spatie/laravel-settings shape; payload is JSON.
CREATE TABLE settings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    "group"    TEXT NOT NULL,
    name       TEXT NOT NULL,
    locked     BOOLEAN NOT NULL DEFAULT 0,
    payload    TEXT NOT NULL,
    created_at TIMESTAMP,
    updated_at TIMESTAMP,
    UNIQUE ("group", name)
);
