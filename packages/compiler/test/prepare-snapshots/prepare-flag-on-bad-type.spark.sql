SELECT
  `s`,
  CASE WHEN ((NOT ((`s` IS NULL) OR (`s` = ''))) AND (CASE WHEN (trim(`s`) RLIKE '^[0-9]{4}-[0-9]{2}-[0-9]{2}\\z') THEN try_cast(trim(`s`) AS DATE) END IS NULL)) THEN TRUE ELSE FALSE END AS `bad`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-flag-on-bad-type/in0`
