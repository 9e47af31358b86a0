SELECT
  CASE WHEN ((`s` IS NULL) OR (`s` = '')) THEN 'n/a' ELSE `s` END AS `s`,
  CASE WHEN (`n` IS NULL) THEN 0 ELSE `n` END AS `n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-fill-empty-with-value/in0`
