SELECT
  "region",
  count(*) AS "count",
  TRY_CAST(sum("qty") AS BIGINT) AS "qty_sum",
  avg("qty") AS "qty_avg",
  max("price") AS "price_max",
  count(DISTINCT "product") AS "product_countDistinct",
  count("note") AS "note_count",
  stddev_samp("price") AS "price_sd",
  var_samp("qty") AS "qty_variance",
  coalesce(string_agg(CAST("product" AS VARCHAR), ',' ORDER BY "product"), '') AS "product_concat",
  min("product") AS "product_min"
FROM read_parquet('/data/fixtures/group-by-region/in0/*.parquet')
GROUP BY "region"
