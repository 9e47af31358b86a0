SELECT "k", "tag"
FROM read_parquet('/data/fixtures/split-random/in0/*.parquet')
WHERE (CAST(('0x' || substr(md5(concat_ws('|', '7', coalesce(CAST("k" AS VARCHAR), ''), coalesce(CAST("tag" AS VARCHAR), ''))), 1, 8)) AS BIGINT) < CAST(1717986918 AS BIGINT))
;
SELECT "k", "tag"
FROM read_parquet('/data/fixtures/split-random/in0/*.parquet')
WHERE ((CAST(('0x' || substr(md5(concat_ws('|', '7', coalesce(CAST("k" AS VARCHAR), ''), coalesce(CAST("tag" AS VARCHAR), ''))), 1, 8)) AS BIGINT) >= CAST(1717986918 AS BIGINT)) AND (CAST(('0x' || substr(md5(concat_ws('|', '7', coalesce(CAST("k" AS VARCHAR), ''), coalesce(CAST("tag" AS VARCHAR), ''))), 1, 8)) AS BIGINT) < CAST(3221225472 AS BIGINT)))
;
SELECT "k", "tag"
FROM read_parquet('/data/fixtures/split-random/in0/*.parquet')
WHERE (CAST(('0x' || substr(md5(concat_ws('|', '7', coalesce(CAST("k" AS VARCHAR), ''), coalesce(CAST("tag" AS VARCHAR), ''))), 1, 8)) AS BIGINT) >= CAST(3221225472 AS BIGINT))
