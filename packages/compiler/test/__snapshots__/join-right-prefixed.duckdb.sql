SELECT
  "_l"."id" AS "c_id",
  "_l"."name" AS "c_name",
  "_r"."cid" AS "o_cid",
  "_r"."amount" AS "o_amount"
FROM read_parquet('/data/fixtures/join-right-prefixed/in0/*.parquet') AS "_l"
RIGHT OUTER JOIN read_parquet('/data/fixtures/join-right-prefixed/in1/*.parquet') AS "_r" ON ("_l"."id" = "_r"."cid")
