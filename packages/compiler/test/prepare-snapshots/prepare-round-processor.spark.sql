SELECT round(`x`, 0) AS `x`, (CAST(floor(`y` * 1e1) AS DOUBLE) / 1e1) AS `y`, `n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-round-processor/in0`
