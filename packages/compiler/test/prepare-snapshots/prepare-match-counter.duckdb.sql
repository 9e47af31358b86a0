SELECT
  "s",
  CAST((length("s") - length(replace("s", 'an', ''))) // length('an') AS INTEGER) AS "n"
FROM read_parquet('/data/fixtures/prepare-match-counter/in0/*.parquet')
