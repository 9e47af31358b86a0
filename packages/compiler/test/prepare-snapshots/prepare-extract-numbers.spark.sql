SELECT
  `a`,
  try_cast(regexp_extract(`a`, '([-+]?[0-9]+([.][0-9]+)?)', 1) AS DOUBLE) AS `a_number`,
  `b`,
  try_cast(replace(regexp_extract(`b`, '([-+]?[0-9]+(,[0-9]+)?)', 1), ',', '.') AS DOUBLE) AS `b_n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-extract-numbers/in0`
