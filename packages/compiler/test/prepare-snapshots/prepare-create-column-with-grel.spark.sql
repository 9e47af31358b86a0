WITH `_s1` AS (
SELECT `name`, `amount` AS `price`, `qty`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-create-column-with-grel/in0`
),
`_s2` AS (
SELECT `name`, `price`, `qty`, round((`price` * CAST(1.2 AS DOUBLE)), 1) AS `with_tax`
FROM `_s1`
)
SELECT
  `name`,
  `price`,
  `qty`,
  `with_tax`,
  concat(upper(`name`), '-', CAST(`qty` AS STRING)) AS `label`
FROM `_s2`
