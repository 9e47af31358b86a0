WITH `_s1` AS (
SELECT CAST(`x` AS DOUBLE) AS `x`, `y`
FROM parquet.`dbfs:/mnt/sous/fixtures/stack-by-position/in0`
UNION ALL
SELECT `p` AS `x`, `q` AS `y`
FROM parquet.`dbfs:/mnt/sous/fixtures/stack-by-position/in1`
UNION ALL
SELECT CAST(`x` AS DOUBLE) AS `x`, `y`
FROM parquet.`dbfs:/mnt/sous/fixtures/stack-by-position/in2`
)
SELECT `x`, `y`
FROM `_s1`
