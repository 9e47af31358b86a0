WITH "_s1" AS (
SELECT CAST("x" AS DOUBLE) AS "x", "y"
FROM read_parquet('/data/fixtures/stack-by-position/in0/*.parquet')
UNION ALL
SELECT "p" AS "x", "q" AS "y"
FROM read_parquet('/data/fixtures/stack-by-position/in1/*.parquet')
UNION ALL
SELECT CAST("x" AS DOUBLE) AS "x", "y"
FROM read_parquet('/data/fixtures/stack-by-position/in2/*.parquet')
)
SELECT "x", "y"
FROM "_s1"
