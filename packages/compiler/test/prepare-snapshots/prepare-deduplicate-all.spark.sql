SELECT DISTINCT `a`, `b`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-deduplicate-all/in0`
