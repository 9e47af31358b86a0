SELECT
  "d",
  ((CAST(dayofweek("d") + 1 AS INTEGER) = 1) OR (CAST(dayofweek("d") + 1 AS INTEGER) = 7)) AS "weekend"
FROM read_parquet('/data/fixtures/prepare-flag-weekend/in0/*.parquet')
