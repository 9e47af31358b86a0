SELECT
  date_format(`ts`, 'dd/MM/yyyy HH:mm') AS `ts`,
  `d`,
  date_format(`d`, 'EEE d MMM yyyy') AS `label`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-date-formatter/in0`
