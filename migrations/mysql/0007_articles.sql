-- 7. articles: the blog.
CREATE TABLE articles (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    author_id    BIGINT UNSIGNED NOT NULL,
    title        TEXT NOT NULL,
    slug         VARCHAR(255) NOT NULL,
    excerpt      TEXT NULL,
    body         TEXT NOT NULL DEFAULT (''),
    status       VARCHAR(32) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'published', 'archived')),
    published_at TIMESTAMP(6) NULL DEFAULT NULL,
    lock_version BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at   TIMESTAMP(6) NULL DEFAULT NULL,
    deleted_at   TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY articles_slug_unique (slug),
    KEY articles_status_index (status, id),
    CONSTRAINT articles_author_id_foreign FOREIGN KEY (author_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
