SELECT
  "_l"."order_id" AS "order_id",
  "_l"."order_date" AS "order_date",
  "_l"."amount" AS "amount",
  "_r"."campaign" AS "campaign",
  "_r"."start" AS "start"
FROM read_parquet('/data/fixtures/join-range-within-days-after/in0/*.parquet') AS "_l"
LEFT OUTER JOIN read_parquet('/data/fixtures/join-range-within-days-after/in1/*.parquet') AS "_r" ON (("_l"."order_date" >= "_r"."start") AND ("_l"."order_date" <= date_add("_r"."start", 90)))
