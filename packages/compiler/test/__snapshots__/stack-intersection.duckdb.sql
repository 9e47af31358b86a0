WITH "_s1" AS (
SELECT CAST("id" AS BIGINT) AS "id", "name"
FROM read_parquet('/data/fixtures/stack-intersection/in0/*.parquet')
UNION ALL
SELECT "ID" AS "id", "name"
FROM read_parquet('/data/fixtures/stack-intersection/in1/*.parquet')
)
SELECT "id", "name"
FROM "_s1"
