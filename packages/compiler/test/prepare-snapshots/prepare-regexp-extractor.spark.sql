SELECT
  `email`,
  regexp_extract(`email`, '([a-z]+)@([a-z.]+)', 1) AS `user`,
  regexp_extract(`email`, '([a-z]+)@([a-z.]+)', 2) AS `domain`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-regexp-extractor/in0`
