SELECT
  CAST(date_trunc('MONTH', `t`) AS TIMESTAMP) AS `t`,
  CAST(date_trunc('WEEK', `d`) AS DATE) AS `d`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-date-truncate/in0`
