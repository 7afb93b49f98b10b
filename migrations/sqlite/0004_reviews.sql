-- 4. reviews: one per reviewer per project, about the other party, only on completed projects
-- (the completed rule is enforced by the service, which sees the project's status).
CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    reviewer_id   INTEGER NOT NULL REFERENCES users (id),
    reviewee_id   INTEGER NOT NULL REFERENCES users (id),
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment       TEXT,
    hidden_at     TIMESTAMP,
    hidden_by     INTEGER REFERENCES users (id),
    hidden_reason TEXT,
    created_at    TIMESTAMP,
    updated_at    TIMESTAMP,
    UNIQUE (project_id, reviewer_id),
    CHECK (reviewer_id <> reviewee_id)
);
CREATE INDEX reviews_reviewee_index ON reviews (reviewee_id);
