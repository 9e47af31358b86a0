SELECT
  "_l"."sku" AS "sku",
  "_l"."title" AS "title",
  "_l"."cat" AS "cat",
  "_r"."kw" AS "keyword",
  "_r"."prefix" AS "prefix"
FROM read_parquet('/data/fixtures/join-starts-with-and-equality/in0/*.parquet') AS "_l"
INNER JOIN read_parquet('/data/fixtures/join-starts-with-and-equality/in1/*.parquet') AS "_r" ON (("_l"."cat" = "_r"."kcat") AND starts_with("_l"."sku", "_r"."prefix"))
