SELECT
  CASE WHEN ((`s` = 'N/A') OR (`s` = '-')) THEN CAST(NULL AS STRING) ELSE `s` END AS `s`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-clear-cells-on-value/in0`
