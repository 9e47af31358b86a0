WITH "_s1" AS (
SELECT
  "region",
  "day",
  "amount",
  CAST(rank() OVER (PARTITION BY "region" ORDER BY "amount" DESC NULLS LAST) AS INTEGER) AS "pos"
FROM read_parquet('/data/fixtures/top-n-rank-ties/in0/*.parquet')
)
SELECT "region", "day", "amount", "pos"
FROM "_s1"
WHERE ("pos" <= 1)
