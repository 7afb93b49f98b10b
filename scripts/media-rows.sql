-- A large set of media rows for measuring `:media` (PostgreSQL): N rows on the developers'
-- portfolios, every collection, 20 % pending, 10 % rejected, one a minute back from now.
-- psql -v n=1000000 -f scripts/media-rows.sql postgres://postgres@127.0.0.1:5432/obryl_large
WITH devs AS (
    SELECT array_agg(user_id ORDER BY user_id) AS ids FROM profiles WHERE type = 'developer'
)
INSERT INTO media (model_type, model_id, uuid, collection_name, name, file_name, mime_type,
                   disk, conversions_disk, size, manipulations, custom_properties,
                   generated_conversions, responsive_images, order_column, moderation_status,
                   created_at, updated_at)
SELECT 'user',
       devs.ids[1 + g % array_length(devs.ids, 1)],
       gen_random_uuid()::text,
       (ARRAY['portfolio', 'demo_video', 'embed_3d', 'attachments'])[1 + g % 4],
       'Capture ' || g,
       'capture-' || g || '.jpg',
       'image/jpeg',
       's3', 's3',
       80000 + (g::bigint * 7919) % 2400000,
       '[]', '{}', '{}', '[]',
       1,
       CASE WHEN g % 10 < 2 THEN 'pending' WHEN g % 10 = 9 THEN 'rejected' ELSE 'approved' END,
       now() - make_interval(mins => g),
       now() - make_interval(mins => g)
FROM generate_series(1, :n) AS g, devs;
ANALYZE media;
