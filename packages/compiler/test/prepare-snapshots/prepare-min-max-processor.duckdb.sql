SELECT
  CASE WHEN ("n" < 0) THEN 0 WHEN ("n" > 10) THEN 10 ELSE "n" END AS "n",
  CASE WHEN ("d" > CAST(1 AS DOUBLE)) THEN CAST(NULL AS DOUBLE) ELSE "d" END AS "d"
FROM read_parquet('/data/fixtures/prepare-min-max-processor/in0/*.parquet')
