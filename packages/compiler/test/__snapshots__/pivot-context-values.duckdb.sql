SELECT
  "region",
  TRY_CAST(sum(CASE WHEN ("product" = 'a') THEN "amount" END) AS BIGINT) AS "a_amount_sum",
  count(CASE WHEN ("product" = 'a') THEN 1 END) AS "a_count",
  TRY_CAST(sum(CASE WHEN ("product" = 'b') THEN "amount" END) AS BIGINT) AS "b_amount_sum",
  count(CASE WHEN ("product" = 'b') THEN 1 END) AS "b_count",
  TRY_CAST(sum(CASE WHEN ("product" IS NULL) THEN "amount" END) AS BIGINT) AS "null_amount_sum",
  count(CASE WHEN ("product" IS NULL) THEN 1 END) AS "null_count"
FROM read_parquet('/data/fixtures/pivot-context-values/in0/*.parquet')
GROUP BY "region"
