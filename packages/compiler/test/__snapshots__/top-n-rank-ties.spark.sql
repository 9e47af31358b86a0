WITH `_s1` AS (
SELECT
  `region`,
  `day`,
  `amount`,
  rank() OVER (PARTITION BY `region` ORDER BY `amount` DESC NULLS LAST) AS `pos`
FROM parquet.`dbfs:/mnt/sous/fixtures/top-n-rank-ties/in0`
)
SELECT `region`, `day`, `amount`, `pos`
FROM `_s1`
WHERE (`pos` <= 1)
