SELECT
  count(*) AS "count",
  coalesce(string_agg(CAST("name" AS VARCHAR), ',' ORDER BY "name"), '') AS "name_concat",
  TRY_CAST(sum("qty") AS BIGINT) AS "qty_sum",
  count(DISTINCT "qty") AS "qty_countDistinct",
  max("name") AS "name_max"
FROM read_parquet('/data/fixtures/group-global-empty/in0/*.parquet')
