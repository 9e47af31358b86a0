SELECT
  "_l"."sku" AS "sku",
  "_l"."title" AS "title",
  "_l"."cat" AS "cat",
  "_r"."kw" AS "kw"
FROM read_parquet('/data/fixtures/join-contains-text/in0/*.parquet') AS "_l"
LEFT OUTER JOIN read_parquet('/data/fixtures/join-contains-text/in1/*.parquet') AS "_r" ON contains("_l"."title", "_r"."kw")
