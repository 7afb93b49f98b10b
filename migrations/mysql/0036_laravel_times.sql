-- 36. Times as Laravel writes them: on SQLite the back-office rewrites the times it stored
-- as RFC 3339 text into the platform's form. MariaDB/MySQL keep TIMESTAMP values, real instants
-- in UTC whoever wrote them (Eloquent's `2026-12-05 16:22:58` or the back-office's
-- microseconds), whose order is their time: nothing to do here.
SELECT 1;
