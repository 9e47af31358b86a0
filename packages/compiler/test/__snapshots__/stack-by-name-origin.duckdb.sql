WITH "_s1" AS (
SELECT
  CAST("id" AS BIGINT) AS "id",
  "name",
  CAST(NULL AS DATE) AS "seen",
  'jan' AS "src"
FROM read_parquet('/data/fixtures/stack-by-name-origin/in0/*.parquet')
UNION ALL
SELECT "ID" AS "id", "name", "seen", 'feb''s' AS "src"
FROM read_parquet('/data/fixtures/stack-by-name-origin/in1/*.parquet')
)
SELECT "id", "name", "seen", "src"
FROM "_s1"
