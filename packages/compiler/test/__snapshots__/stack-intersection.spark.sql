WITH `_s1` AS (
SELECT CAST(`id` AS BIGINT) AS `id`, `name`
FROM parquet.`dbfs:/mnt/sous/fixtures/stack-intersection/in0`
UNION ALL
SELECT `ID` AS `id`, `name`
FROM parquet.`dbfs:/mnt/sous/fixtures/stack-intersection/in1`
)
SELECT `id`, `name`
FROM `_s1`
