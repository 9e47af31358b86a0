SELECT
  `ts`,
  year(`ts`) AS `year`,
  quarter(`ts`) AS `quarter`,
  month(`ts`) AS `month`,
  dayofmonth(`ts`) AS `day`,
  dayofweek(`ts`) AS `dayOfWeek`,
  dayofyear(`ts`) AS `dayOfYear`,
  weekofyear(`ts`) AS `weekOfYear`,
  hour(`ts`) AS `hour`,
  minute(`ts`) AS `minute`,
  second(`ts`) AS `second`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-date-components-extractor/in0`
