SELECT
  "_l"."order_id" AS "order_id",
  "_l"."order_date" AS "order_date",
  "_l"."amount" AS "amount"
FROM read_parquet('/data/fixtures/join-left-anti-within-days-before/in0/*.parquet') AS "_l"
ANTI JOIN read_parquet('/data/fixtures/join-left-anti-within-days-before/in1/*.parquet') AS "_r" ON (("_l"."order_date" >= date_add("_r"."start", -30)) AND ("_l"."order_date" <= "_r"."start"))
