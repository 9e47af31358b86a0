SELECT "_l"."id" AS "id", "_l"."name" AS "name", "_r"."amount" AS "amount"
FROM read_parquet('/data/fixtures/join-left/in0/*.parquet') AS "_l"
LEFT OUTER JOIN read_parquet('/data/fixtures/join-left/in1/*.parquet') AS "_r" ON ("_l"."id" = "_r"."cid")
