-- 23. users: the key names sort on (domain::text::sort_key: lower-case ASCII, accents and
-- punctuation dropped), so that lists by name follow a French reader's order ("Éloïse" among
-- the E's) with a plain byte comparison, indexed with the id for keyset pagination. SQL cannot
-- fold accents portably: the key is written with the name by obryl, and `Db::migrate` fills it
-- (and corrects it) for rows written without it, existing ones included.
-- COLLATE "C": bytes, as SQLite compares them, whatever the database's locale.
ALTER TABLE users ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX users_name_key_index ON users (name_key, id);
