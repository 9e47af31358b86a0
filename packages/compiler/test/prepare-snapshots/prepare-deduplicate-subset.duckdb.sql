WITH "_s1" AS (
SELECT
  "k",
  "ts",
  "v",
  CAST(row_number() OVER (PARTITION BY "k" ORDER BY "ts" DESC NULLS LAST) AS INTEGER) AS "__dedup_rank_c4"
FROM read_parquet('/data/fixtures/prepare-deduplicate-subset/in0/*.parquet')
)
SELECT "k", "ts", "v"
FROM "_s1"
WHERE ("__dedup_rank_c4" = 1)
