-- 8. workload: one row per developer x project x ISO week (week_start is that week's Monday).
CREATE TABLE workload (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    developer_id  INTEGER NOT NULL REFERENCES users (id),
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    week_start    TEXT NOT NULL,
    planned_hours INTEGER NOT NULL CHECK (planned_hours BETWEEN 0 AND 168),
    logged_hours  INTEGER NOT NULL DEFAULT 0 CHECK (logged_hours BETWEEN 0 AND 168),
    lock_version  INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP,
    updated_at    TIMESTAMP,
    UNIQUE (developer_id, project_id, week_start)
);
CREATE INDEX workload_week_developer_index ON workload (week_start, developer_id);
CREATE INDEX workload_project_index ON workload (project_id, week_start);
