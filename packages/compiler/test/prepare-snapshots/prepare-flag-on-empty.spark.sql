SELECT
  `a`,
  `b`,
  (((`a` IS NULL) OR (`a` = '')) AND ((`b` IS NULL) OR (`b` = ''))) AS `blank`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-flag-on-empty/in0`
