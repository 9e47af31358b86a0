WITH "_s1" AS (
SELECT "id", 'q1' AS "quarter", "q1" AS "value"
FROM read_parquet('/data/fixtures/prepare-multi-column-fold/in0/*.parquet')
UNION ALL
SELECT "id", 'q2' AS "quarter", "q2" AS "value"
FROM read_parquet('/data/fixtures/prepare-multi-column-fold/in0/*.parquet')
)
SELECT "id", "quarter", "value"
FROM "_s1"
