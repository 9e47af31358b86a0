WITH `_s1` AS (
SELECT
  CASE WHEN (trim(`i`) RLIKE '^[+-]?[0-9]+\\z') THEN try_cast(trim(`i`) AS INT) END AS `i`,
  CASE WHEN (trim(`d`) RLIKE '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?\\z') THEN try_cast(trim(`d`) AS DOUBLE) END AS `d`,
  CASE WHEN ((lower(trim(`b`)) = 'true') OR (lower(trim(`b`)) = 't') OR (lower(trim(`b`)) = 'yes') OR (lower(trim(`b`)) = 'y') OR (lower(trim(`b`)) = '1')) THEN TRUE WHEN ((lower(trim(`b`)) = 'false') OR (lower(trim(`b`)) = 'f') OR (lower(trim(`b`)) = 'no') OR (lower(trim(`b`)) = 'n') OR (lower(trim(`b`)) = '0')) THEN FALSE END AS `b`,
  `t`,
  `n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-type-converter/in0`
)
SELECT
  `i`,
  `d`,
  `b`,
  CASE WHEN (trim(`t`) RLIKE '^[0-9]{4}-[0-9]{2}-[0-9]{2}\\z') THEN try_cast(trim(`t`) AS DATE) END AS `t`,
  CAST(`n` AS STRING) AS `n`
FROM `_s1`
