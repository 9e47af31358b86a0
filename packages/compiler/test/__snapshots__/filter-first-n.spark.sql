SELECT `k`, `tag`
FROM parquet.`dbfs:/mnt/sous/fixtures/filter-first-n/in0`
WHERE ((`k` >= CAST(3 AS INT)) AND (`tag` = 'x'))
LIMIT 2
