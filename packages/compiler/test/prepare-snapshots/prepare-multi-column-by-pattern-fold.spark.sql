WITH `_s1` AS (
SELECT `id`, 'm_jan' AS `month`, CAST(`m_jan` AS DOUBLE) AS `amount`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-multi-column-by-pattern-fold/in0`
UNION ALL
SELECT `id`, 'm_feb' AS `month`, `m_feb` AS `amount`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-multi-column-by-pattern-fold/in0`
)
SELECT `id`, `month`, `amount`
FROM `_s1`
