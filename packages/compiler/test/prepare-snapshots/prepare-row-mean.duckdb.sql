SELECT
  "a",
  "b",
  "c",
  (((coalesce(TRY_CAST("a" AS DOUBLE), CAST(0 AS DOUBLE)) + coalesce("b", CAST(0 AS DOUBLE))) + coalesce(TRY_CAST("c" AS DOUBLE), CAST(0 AS DOUBLE))) / NULLIF(((CASE WHEN (TRY_CAST("a" AS DOUBLE) IS NULL) THEN 0 ELSE 1 END + CASE WHEN ("b" IS NULL) THEN 0 ELSE 1 END) + CASE WHEN (TRY_CAST("c" AS DOUBLE) IS NULL) THEN 0 ELSE 1 END), 0)) AS "m"
FROM read_parquet('/data/fixtures/prepare-row-mean/in0/*.parquet')
