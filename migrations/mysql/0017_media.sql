-- E. Media: spatie/laravel-medialibrary's shape (uuid as its CHAR(36)), plus a moderation state.
CREATE TABLE media (
    id                    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    model_type            VARCHAR(255) NOT NULL,
    model_id              BIGINT UNSIGNED NOT NULL,
    uuid                  CHAR(36) NULL DEFAULT NULL,
    collection_name       VARCHAR(32) NOT NULL CHECK (collection_name IN ('portfolio', 'demo_video', 'embed_3d', 'attachments')),
    name                  TEXT NOT NULL,
    file_name             TEXT NOT NULL,
    mime_type             VARCHAR(255) NULL DEFAULT NULL,
    disk                  VARCHAR(255) NOT NULL,
    conversions_disk      VARCHAR(255) NULL DEFAULT NULL,
    size                  BIGINT NOT NULL CHECK (size >= 0),
    manipulations         JSON NOT NULL DEFAULT ('[]'),
    custom_properties     JSON NOT NULL DEFAULT ('{}'),
    generated_conversions JSON NOT NULL DEFAULT ('{}'),
    responsive_images     JSON NOT NULL DEFAULT ('[]'),
    order_column          BIGINT NULL DEFAULT NULL,
    moderation_status     VARCHAR(32) NOT NULL DEFAULT 'pending' CHECK (moderation_status IN ('pending', 'approved', 'rejected')),
    created_at            TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at            TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY media_uuid_unique (uuid),
    KEY media_model_index (model_type, model_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
