SELECT
  `first`,
  `last`,
  `age`,
  concat_ws(' ', `first`, `last`, CAST(`age` AS STRING)) AS `full`,
  (`first` || '-' || `last`) AS `strict`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-columns-concat/in0`
