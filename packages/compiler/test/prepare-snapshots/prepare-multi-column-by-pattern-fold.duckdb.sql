WITH "_s1" AS (
SELECT "id", 'm_jan' AS "month", CAST("m_jan" AS DOUBLE) AS "amount"
FROM read_parquet('/data/fixtures/prepare-multi-column-by-pattern-fold/in0/*.parquet')
UNION ALL
SELECT "id", 'm_feb' AS "month", "m_feb" AS "amount"
FROM read_parquet('/data/fixtures/prepare-multi-column-by-pattern-fold/in0/*.parquet')
)
SELECT "id", "month", "amount"
FROM "_s1"
