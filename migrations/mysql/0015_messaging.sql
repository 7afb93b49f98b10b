-- B. Messaging on projects and tickets. A null sender is a system message.
CREATE TABLE conversations (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    subject_type    VARCHAR(255) NOT NULL,
    subject_id      BIGINT UNSIGNED NOT NULL,
    title           TEXT NULL,
    last_message_at TIMESTAMP(6) NULL DEFAULT NULL,
    created_at      TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at      TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY conversations_subject_unique (subject_type, subject_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE conversation_participants (
    id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    conversation_id      BIGINT UNSIGNED NOT NULL,
    user_id              BIGINT UNSIGNED NOT NULL,
    last_read_message_id BIGINT UNSIGNED NULL DEFAULT NULL,
    typing_at            TIMESTAMP(6) NULL DEFAULT NULL,
    viewing_at           TIMESTAMP(6) NULL DEFAULT NULL,
    created_at           TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at           TIMESTAMP(6) NULL DEFAULT NULL,
    UNIQUE KEY conversation_participants_conversation_user_unique (conversation_id, user_id),
    CONSTRAINT conversation_participants_conversation_id_foreign FOREIGN KEY (conversation_id) REFERENCES conversations (id),
    CONSTRAINT conversation_participants_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE messages (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    conversation_id BIGINT UNSIGNED NOT NULL,
    sender_id       BIGINT UNSIGNED NULL DEFAULT NULL,
    body            TEXT NOT NULL,
    is_internal     TINYINT(1) NOT NULL DEFAULT 0,
    edited_at       TIMESTAMP(6) NULL DEFAULT NULL,
    created_at      TIMESTAMP(6) NULL DEFAULT NULL,
    updated_at      TIMESTAMP(6) NULL DEFAULT NULL,
    deleted_at      TIMESTAMP(6) NULL DEFAULT NULL,
    KEY messages_conversation_index (conversation_id, id),
    CONSTRAINT messages_conversation_id_foreign FOREIGN KEY (conversation_id) REFERENCES conversations (id),
    CONSTRAINT messages_sender_id_foreign FOREIGN KEY (sender_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
