-- E. Media: spatie/laravel-medialibrary's shape, plus a moderation state.
CREATE TABLE media (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    model_type            TEXT NOT NULL,
    model_id              INTEGER NOT NULL,
    uuid                  TEXT UNIQUE,
    collection_name       TEXT NOT NULL CHECK (collection_name IN ('portfolio', 'demo_video', 'embed_3d', 'attachments')),
    name                  TEXT NOT NULL,
    file_name             TEXT NOT NULL,
    mime_type             TEXT,
    disk                  TEXT NOT NULL,
    conversions_disk      TEXT,
    size                  INTEGER NOT NULL CHECK (size >= 0),
    manipulations         TEXT NOT NULL DEFAULT '[]',
    custom_properties     TEXT NOT NULL DEFAULT '{}',
    generated_conversions TEXT NOT NULL DEFAULT '{}',
    responsive_images     TEXT NOT NULL DEFAULT '[]',
    order_column          INTEGER,
    moderation_status     TEXT NOT NULL DEFAULT 'pending' CHECK (moderation_status IN ('pending', 'approved', 'rejected')),
    created_at            TIMESTAMP,
    updated_at            TIMESTAMP
);
CREATE INDEX media_model_index ON media (model_type, model_id);
