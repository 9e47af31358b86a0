SELECT
  CAST(date_trunc('MONTH', "t") AS TIMESTAMP) AS "t",
  CAST(date_trunc('WEEK', "d") AS DATE) AS "d"
FROM read_parquet('/data/fixtures/prepare-date-truncate/in0/*.parquet')
