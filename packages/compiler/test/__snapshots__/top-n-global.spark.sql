WITH `_s1` AS (
SELECT
  `region`,
  `day`,
  `amount`,
  row_number() OVER (ORDER BY `amount` ASC NULLS FIRST) AS `_rank`
FROM parquet.`dbfs:/mnt/sous/fixtures/top-n-global/in0`
)
SELECT `region`, `day`, `amount`
FROM `_s1`
WHERE (`_rank` <= 2)
