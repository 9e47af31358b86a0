SELECT
  round("x", 0) AS "x",
  ((CASE WHEN abs(("y" * 1e1)) < 4503599627370496 THEN CAST(floor(("y" * 1e1)) AS DOUBLE) ELSE ("y" * 1e1) END) / 1e1) AS "y",
  "n"
FROM read_parquet('/data/fixtures/prepare-round-processor/in0/*.parquet')
