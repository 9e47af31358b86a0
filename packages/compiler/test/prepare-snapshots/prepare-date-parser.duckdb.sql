SELECT
  "s",
  coalesce(try_strptime("s", '%Y-%m-%d'), try_strptime("s", '%d/%m/%Y %H:%M')) AS "ts"
FROM read_parquet('/data/fixtures/prepare-date-parser/in0/*.parquet')
