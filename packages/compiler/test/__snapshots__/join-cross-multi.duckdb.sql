SELECT "_l"."x" AS "x", "_r"."y" AS "y"
FROM read_parquet('/data/fixtures/join-cross-multi/in0/*.parquet') AS "_l"
CROSS JOIN read_parquet('/data/fixtures/join-cross-multi/in1/*.parquet') AS "_r"
