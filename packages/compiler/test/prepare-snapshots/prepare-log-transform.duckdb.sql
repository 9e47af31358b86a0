SELECT
  "x",
  CASE WHEN ("x" > CAST(0 AS DOUBLE)) THEN log10("x") END AS "lg",
  CASE WHEN (TRY_CAST("y" AS DOUBLE) > CAST(0 AS DOUBLE)) THEN ln(TRY_CAST("y" AS DOUBLE)) END AS "y"
FROM read_parquet('/data/fixtures/prepare-log-transform/in0/*.parquet')
