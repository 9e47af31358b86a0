SELECT
  "x",
  CASE WHEN TRY_CAST("x" AS DOUBLE) > 709.782712893384 THEN CAST('Infinity' AS DOUBLE) ELSE exp(TRY_CAST("x" AS DOUBLE)) END AS "e"
FROM read_parquet('/data/fixtures/prepare-exp-transform/in0/*.parquet')
