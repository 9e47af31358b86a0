SELECT (CASE WHEN `n` < 0 THEN try_subtract(0, `n`) ELSE `n` END) AS `n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-absolute-value/in0`
