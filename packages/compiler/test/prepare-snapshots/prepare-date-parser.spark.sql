SELECT
  `s`,
  coalesce(try_to_timestamp(`s`, 'yyyy-MM-dd'), try_to_timestamp(`s`, 'dd/MM/yyyy HH:mm')) AS `ts`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-date-parser/in0`
