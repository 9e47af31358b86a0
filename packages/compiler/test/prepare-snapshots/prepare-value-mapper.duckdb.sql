SELECT
  CASE WHEN ("c" = 'FR') THEN 'France' WHEN ("c" = 'DE') THEN 'Germany' ELSE "c" END AS "c"
FROM read_parquet('/data/fixtures/prepare-value-mapper/in0/*.parquet')
