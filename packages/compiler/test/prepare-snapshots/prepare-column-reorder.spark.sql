SELECT `c`, `a`, `b`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-column-reorder/in0`
