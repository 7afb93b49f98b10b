-- 23. users: the key names sort on (domain::text::sort_key: lower-case ASCII, accents and
-- punctuation dropped), so that lists by name follow a French reader's order ("Éloïse" among
-- the E's) with a plain byte comparison, indexed with the id for keyset pagination. SQL cannot
-- fold accents portably: the key is written with the name by obryl, and `Db::migrate` fills it
-- (and corrects it) for rows written without it, existing ones included.
-- utf8mb4_bin: bytes, as SQLite and PostgreSQL's COLLATE "C" compare them. users may be the
-- platform's table: the column and index are added only if missing.
ALTER TABLE users ADD COLUMN IF NOT EXISTS name_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS users_name_key_index ON users (name_key, id);
