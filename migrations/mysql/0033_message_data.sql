-- 33. A system message's words as a message key and its values (JSON), so each reader sees it
-- in their own language; `body` keeps the text in the client's language for the platform.
-- Rows without it (people's messages, older system messages) show their body.
ALTER TABLE messages ADD COLUMN data JSON NULL;
