SELECT `k`, `tag`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-random/in0`
WHERE (CAST(conv(substr(md5(concat_ws('|', '7', coalesce(CAST(`k` AS STRING), ''), coalesce(CAST(`tag` AS STRING), ''))), 1, 8), 16, 10) AS BIGINT) < CAST(1717986918 AS BIGINT))
;
SELECT `k`, `tag`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-random/in0`
WHERE ((CAST(conv(substr(md5(concat_ws('|', '7', coalesce(CAST(`k` AS STRING), ''), coalesce(CAST(`tag` AS STRING), ''))), 1, 8), 16, 10) AS BIGINT) >= CAST(1717986918 AS BIGINT)) AND (CAST(conv(substr(md5(concat_ws('|', '7', coalesce(CAST(`k` AS STRING), ''), coalesce(CAST(`tag` AS STRING), ''))), 1, 8), 16, 10) AS BIGINT) < CAST(3221225472 AS BIGINT)))
;
SELECT `k`, `tag`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-random/in0`
WHERE (CAST(conv(substr(md5(concat_ws('|', '7', coalesce(CAST(`k` AS STRING), ''), coalesce(CAST(`tag` AS STRING), ''))), 1, 8), 16, 10) AS BIGINT) >= CAST(3221225472 AS BIGINT))
