WITH "_s1" AS (
SELECT "v", count(*) OVER (PARTITION BY "v") AS "__value_count_c2"
FROM read_parquet('/data/fixtures/prepare-long-tail-grouper/in0/*.parquet')
)
SELECT
  CASE WHEN ((NOT ("v" IS NULL)) AND ("__value_count_c2" < CAST(2 AS BIGINT))) THEN 'Others' ELSE "v" END AS "v"
FROM "_s1"
