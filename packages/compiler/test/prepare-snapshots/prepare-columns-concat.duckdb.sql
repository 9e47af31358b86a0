SELECT
  "first",
  "last",
  "age",
  concat_ws(' ', "first", "last", CAST("age" AS VARCHAR)) AS "full",
  ("first" || '-' || "last") AS "strict"
FROM read_parquet('/data/fixtures/prepare-columns-concat/in0/*.parquet')
