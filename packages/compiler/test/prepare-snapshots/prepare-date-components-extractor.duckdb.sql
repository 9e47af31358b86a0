SELECT
  "ts",
  CAST(year("ts") AS INTEGER) AS "year",
  CAST(quarter("ts") AS INTEGER) AS "quarter",
  CAST(month("ts") AS INTEGER) AS "month",
  CAST(dayofmonth("ts") AS INTEGER) AS "day",
  CAST(dayofweek("ts") + 1 AS INTEGER) AS "dayOfWeek",
  CAST(dayofyear("ts") AS INTEGER) AS "dayOfYear",
  CAST(weekofyear("ts") AS INTEGER) AS "weekOfYear",
  CAST(hour("ts") AS INTEGER) AS "hour",
  CAST(minute("ts") AS INTEGER) AS "minute",
  CAST(second("ts") AS INTEGER) AS "second"
FROM read_parquet('/data/fixtures/prepare-date-components-extractor/in0/*.parquet')
