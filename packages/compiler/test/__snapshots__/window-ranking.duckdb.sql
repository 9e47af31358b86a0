SELECT
  "region",
  "day",
  "amount",
  CAST(rank() OVER (PARTITION BY "region" ORDER BY "amount" DESC NULLS LAST) AS INTEGER) AS "rank",
  CAST(dense_rank() OVER (PARTITION BY "region" ORDER BY "amount" DESC NULLS LAST) AS INTEGER) AS "denseRank",
  count(*) OVER (PARTITION BY "region" ORDER BY "amount" DESC NULLS LAST) AS "count",
  TRY_CAST(sum("amount") OVER (PARTITION BY "region" ORDER BY "amount" DESC NULLS LAST) AS BIGINT) AS "amount_sum"
FROM read_parquet('/data/fixtures/window-ranking/in0/*.parquet')
