SELECT `k`
FROM parquet.`dbfs:/mnt/sous/fixtures/sort-desc-default-nulls/in0`
ORDER BY `k` DESC NULLS LAST
