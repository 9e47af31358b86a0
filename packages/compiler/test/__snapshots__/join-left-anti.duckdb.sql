SELECT "_l"."id" AS "id", "_l"."name" AS "name"
FROM read_parquet('/data/fixtures/join-left-anti/in0/*.parquet') AS "_l"
ANTI JOIN read_parquet('/data/fixtures/join-left-anti/in1/*.parquet') AS "_r" ON ("_l"."id" = "_r"."cid")
