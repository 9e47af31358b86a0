SELECT
  coalesce("_l"."id", "_r"."cid") AS "id",
  "_l"."name" AS "name",
  "_r"."amount" AS "amount"
FROM read_parquet('/data/fixtures/join-full-coalesced-keys/in0/*.parquet') AS "_l"
FULL OUTER JOIN read_parquet('/data/fixtures/join-full-coalesced-keys/in1/*.parquet') AS "_r" ON ("_l"."id" = "_r"."cid")
