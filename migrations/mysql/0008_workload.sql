-- 8. workload: one row per developer x project x ISO week (week_start is that week's Monday).
CREATE TABLE workload (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    developer_id  BIGINT UNSIGNED NOT NULL,
    project_id    BIGINT UNSIGNED NOT NULL,
    week_start    DATE NOT NULL,
    planned_hours BIGINT NOT NULL CHECK (planned_hours BETWEEN 0 AND 168),
    logged_hours  BIGINT NOT NULL DEFAULT 0 CHECK (logged_hours BETWEEN 0 AND 168),
    lock_version  BIGINT NOT NULL DEFAULT 0,
    created_at    TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at    TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY workload_developer_project_week_unique (developer_id, project_id, week_start),
    KEY workload_week_developer_index (week_start, developer_id),
    KEY workload_project_index (project_id, week_start),
    CONSTRAINT workload_developer_id_foreign FOREIGN KEY (developer_id) REFERENCES users (id),
    CONSTRAINT workload_project_id_foreign FOREIGN KEY (project_id) REFERENCES projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
