SELECT
  `e`,
  NULLIF(regexp_extract(`e`, '^([^@]+)@([^@]+)\\z', 1), '') AS `e_user`,
  NULLIF(regexp_extract(`e`, '^([^@]+)@([^@]+)\\z', 2), '') AS `e_domain`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-email-splitter/in0`
