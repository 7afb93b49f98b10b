-- B. Messaging on projects and tickets. A null sender is a system message.
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_type    TEXT NOT NULL,
    subject_id      INTEGER NOT NULL,
    title           TEXT,
    last_message_at TIMESTAMP,
    created_at      TIMESTAMP,
    updated_at      TIMESTAMP,
    UNIQUE (subject_type, subject_id)
);
CREATE TABLE conversation_participants (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id      INTEGER NOT NULL REFERENCES conversations (id),
    user_id              INTEGER NOT NULL REFERENCES users (id),
    last_read_message_id INTEGER,
    typing_at            TIMESTAMP,
    viewing_at           TIMESTAMP,
    created_at           TIMESTAMP,
    updated_at           TIMESTAMP,
    UNIQUE (conversation_id, user_id)
);
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    sender_id       INTEGER REFERENCES users (id),
    body            TEXT NOT NULL,
    is_internal     BOOLEAN NOT NULL DEFAULT 0,
    edited_at       TIMESTAMP,
    created_at      TIMESTAMP,
    updated_at      TIMESTAMP,
    deleted_at      TIMESTAMP
);
CREATE INDEX messages_conversation_index ON messages (conversation_id, id);
