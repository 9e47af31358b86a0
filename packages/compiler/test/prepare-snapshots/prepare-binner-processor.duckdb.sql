SELECT
  "x",
  CASE WHEN (TRY_CAST("x" AS DOUBLE) < CAST(0 AS DOUBLE)) THEN '<0' WHEN (TRY_CAST("x" AS DOUBLE) < CAST(10 AS DOUBLE)) THEN '0-10' ELSE CASE WHEN (TRY_CAST("x" AS DOUBLE) >= CAST(10 AS DOUBLE)) THEN '>=10' END END AS "band",
  (CAST(0 AS DOUBLE) + (CAST(10 AS DOUBLE) * CAST(floor(((TRY_CAST("x" AS DOUBLE) - CAST(0 AS DOUBLE)) / NULLIF(CAST(10 AS DOUBLE), 0))) AS DOUBLE))) AS "x_bin"
FROM read_parquet('/data/fixtures/prepare-binner-processor/in0/*.parquet')
