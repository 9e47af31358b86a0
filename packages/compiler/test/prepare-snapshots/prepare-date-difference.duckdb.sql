SELECT
  "d0",
  "d1",
  "t0",
  "t1",
  CAST(date_diff('day', CAST("d0" AS DATE), CAST("d1" AS DATE)) AS INTEGER) AS "days",
  ((epoch_us("t1") - epoch_us("t0")) / NULLIF(CAST(3600000000 AS DOUBLE), 0)) AS "hours"
FROM read_parquet('/data/fixtures/prepare-date-difference/in0/*.parquet')
