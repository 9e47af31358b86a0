SELECT `n`, CASE WHEN (`n` >= CAST(0 AS DOUBLE)) THEN TRUE ELSE FALSE END AS `ok`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-flag-on-numerical-range/in0`
