SELECT
  `s`,
  CAST((length(`s`) - length(replace(`s`, 'an', ''))) DIV length('an') AS INT) AS `n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-match-counter/in0`
