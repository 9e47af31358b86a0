SELECT DISTINCT `a`, `b`
FROM parquet.`dbfs:/mnt/sous/fixtures/distinct-all/in0`
