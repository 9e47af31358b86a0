SELECT
  date_add("d", 30) AS "d",
  CAST(("d" + INTERVAL (1) MONTH) AS DATE) AS "next_month",
  ("t" + INTERVAL (-3) HOUR) AS "t"
FROM read_parquet('/data/fixtures/prepare-date-increment/in0/*.parquet')
