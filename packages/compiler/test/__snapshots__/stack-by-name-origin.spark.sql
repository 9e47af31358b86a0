WITH `_s1` AS (
SELECT
  CAST(`id` AS BIGINT) AS `id`,
  `name`,
  CAST(NULL AS DATE) AS `seen`,
  'jan' AS `src`
FROM parquet.`dbfs:/mnt/sous/fixtures/stack-by-name-origin/in0`
UNION ALL
SELECT `ID` AS `id`, `name`, `seen`, 'feb\'s' AS `src`
FROM parquet.`dbfs:/mnt/sous/fixtures/stack-by-name-origin/in1`
)
SELECT `id`, `name`, `seen`, `src`
FROM `_s1`
