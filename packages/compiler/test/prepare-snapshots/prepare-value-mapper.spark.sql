SELECT
  CASE WHEN (`c` = 'FR') THEN 'France' WHEN (`c` = 'DE') THEN 'Germany' ELSE `c` END AS `c`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-value-mapper/in0`
