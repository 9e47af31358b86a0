SELECT
  CASE WHEN (("s" = 'N/A') OR ("s" = '-')) THEN CAST(NULL AS VARCHAR) ELSE "s" END AS "s"
FROM read_parquet('/data/fixtures/prepare-clear-cells-on-value/in0/*.parquet')
