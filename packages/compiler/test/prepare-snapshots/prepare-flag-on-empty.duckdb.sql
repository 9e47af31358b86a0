SELECT
  "a",
  "b",
  ((("a" IS NULL) OR ("a" = '')) AND (("b" IS NULL) OR ("b" = ''))) AS "blank"
FROM read_parquet('/data/fixtures/prepare-flag-on-empty/in0/*.parquet')
