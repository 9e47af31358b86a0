SELECT (NOT `b`) AS `b`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-boolean-not/in0`
