SELECT
  `x`,
  CASE WHEN (try_cast(`x` AS DOUBLE) < CAST(0 AS DOUBLE)) THEN '<0' WHEN (try_cast(`x` AS DOUBLE) < CAST(10 AS DOUBLE)) THEN '0-10' ELSE CASE WHEN (try_cast(`x` AS DOUBLE) >= CAST(10 AS DOUBLE)) THEN '>=10' END END AS `band`,
  (CAST(0 AS DOUBLE) + (CAST(10 AS DOUBLE) * (CASE WHEN abs(((try_cast(`x` AS DOUBLE) - CAST(0 AS DOUBLE)) / NULLIF(CAST(10 AS DOUBLE), 0))) < 4503599627370496 THEN CAST(floor(((try_cast(`x` AS DOUBLE) - CAST(0 AS DOUBLE)) / NULLIF(CAST(10 AS DOUBLE), 0))) AS DOUBLE) ELSE ((try_cast(`x` AS DOUBLE) - CAST(0 AS DOUBLE)) / NULLIF(CAST(10 AS DOUBLE), 0)) END))) AS `x_bin`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-binner-processor/in0`
