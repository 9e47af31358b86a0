SELECT
  count(*) AS "count",
  coalesce(string_agg(CAST("qty" AS VARCHAR), ',' ORDER BY "qty"), '') AS "qty_concat",
  TRY_CAST(sum("qty") AS BIGINT) AS "total",
  TRY_CAST(sum("amount") AS DECIMAL(38, 9)) AS "amount_sum",
  avg(CAST("amount" AS DOUBLE)) AS "amount_avg",
  max("day") AS "day_max",
  min("flag") AS "flag_min"
FROM read_parquet('/data/fixtures/group-global/in0/*.parquet')
