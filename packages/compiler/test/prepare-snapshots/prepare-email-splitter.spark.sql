SELECT
  `e`,
  NULLIF(regexp_extract(`e`, '^([^@]+)@([^@]+)$', 1), '') AS `e_user`,
  NULLIF(regexp_extract(`e`, '^([^@]+)@([^@]+)$', 2), '') AS `e_domain`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-email-splitter/in0`
