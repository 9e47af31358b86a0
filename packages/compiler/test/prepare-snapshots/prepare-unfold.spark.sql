SELECT
  `id`,
  CASE WHEN (`color` = 'red') THEN 1 ELSE CAST(NULL AS INT) END AS `color_red`,
  CASE WHEN (`color` = 'blue') THEN 1 ELSE CAST(NULL AS INT) END AS `color_blue`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-unfold/in0`
