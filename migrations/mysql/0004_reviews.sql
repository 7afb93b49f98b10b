-- 4. reviews: one per reviewer per project, about the other party, only on completed projects
-- (the completed rule is enforced by the service, which sees the project's status).
CREATE TABLE reviews (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    project_id    BIGINT UNSIGNED NOT NULL,
    reviewer_id   BIGINT UNSIGNED NOT NULL,
    reviewee_id   BIGINT UNSIGNED NOT NULL,
    rating        BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment       TEXT NULL,
    hidden_at     TIMESTAMP(6) NULL DEFAULT NULL,
    hidden_by     BIGINT UNSIGNED NULL DEFAULT NULL,
    hidden_reason TEXT NULL,
    created_at    TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at    TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY reviews_project_id_reviewer_id_unique (project_id, reviewer_id),
    KEY reviews_reviewee_index (reviewee_id),
    CONSTRAINT reviews_not_self CHECK (reviewer_id <> reviewee_id),
    CONSTRAINT reviews_project_id_foreign FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT reviews_reviewer_id_foreign FOREIGN KEY (reviewer_id) REFERENCES users (id),
    CONSTRAINT reviews_reviewee_id_foreign FOREIGN KEY (reviewee_id) REFERENCES users (id),
    CONSTRAINT reviews_hidden_by_foreign FOREIGN KEY (hidden_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
