SELECT
  `x`,
  CASE WHEN (`x` > CAST(0 AS DOUBLE)) THEN log10(`x`) END AS `lg`,
  CASE WHEN (try_cast(`y` AS DOUBLE) > CAST(0 AS DOUBLE)) THEN ln(try_cast(`y` AS DOUBLE)) END AS `y`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-log-transform/in0`
