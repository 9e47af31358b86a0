SELECT `k`, `tag`
FROM parquet.`dbfs:/mnt/sous/fixtures/filter-first-n/in0`
WHERE ((`k` >= 3) AND (`tag` = 'x'))
LIMIT 2
