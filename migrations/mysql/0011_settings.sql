-- 11. settings: spatie/laravel-settings shape; payload is JSON. `group` is a reserved word.
CREATE TABLE settings (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `group`    VARCHAR(255) NOT NULL,
    name       VARCHAR(255) NOT NULL,
    locked     TINYINT(1) NOT NULL DEFAULT 0,
    payload    JSON NOT NULL,
    created_at TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY settings_group_name_unique (`group`, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
