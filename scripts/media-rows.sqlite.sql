-- A large set of media rows for measuring `:media` (SQLite): as scripts/media-rows.sql.
-- sqlite3 /tmp/media-large.db < scripts/media-rows.sqlite.sql
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000000),
devs AS (SELECT user_id, row_number() OVER (ORDER BY user_id) - 1 AS k, count(*) OVER () AS c FROM profiles WHERE type = 'developer')
INSERT INTO media (model_type, model_id, uuid, collection_name, name, file_name, mime_type, disk, conversions_disk, size, manipulations, custom_properties, generated_conversions, responsive_images, order_column, moderation_status, created_at, updated_at)
SELECT 'user', devs.user_id, lower(hex(randomblob(16))),
       CASE n % 4 WHEN 0 THEN 'portfolio' WHEN 1 THEN 'demo_video' WHEN 2 THEN 'embed_3d' ELSE 'attachments' END,
       'Capture ' || n, 'capture-' || n || '.jpg', 'image/jpeg', 's3', 's3', 80000 + (n * 7919) % 2400000,
       '[]', '{}', '{}', '[]', 1,
       CASE WHEN n % 10 < 2 THEN 'pending' WHEN n % 10 = 9 THEN 'rejected' ELSE 'approved' END,
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || n || ' minutes'),
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || n || ' minutes')
FROM g JOIN devs ON devs.k = n % (SELECT count(*) FROM profiles WHERE type = 'developer');
ANALYZE;
