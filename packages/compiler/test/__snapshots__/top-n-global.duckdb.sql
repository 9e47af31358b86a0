WITH "_s1" AS (
SELECT
  "region",
  "day",
  "amount",
  CAST(row_number() OVER (ORDER BY "amount" ASC NULLS FIRST) AS INTEGER) AS "_rank"
FROM read_parquet('/data/fixtures/top-n-global/in0/*.parquet')
)
SELECT "region", "day", "amount"
FROM "_s1"
WHERE ("_rank" <= 2)
