-- 36. Times as Laravel writes them: on SQLite the back-office rewrites the times it stored
-- as RFC 3339 text into the platform's form. PostgreSQL keeps TIMESTAMPTZ values, whose order
-- is their time whoever wrote them: nothing to do here.
SELECT 1;
