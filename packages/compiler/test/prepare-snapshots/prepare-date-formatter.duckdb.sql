SELECT
  strftime("ts", '%d/%m/%Y %H:%M') AS "ts",
  "d",
  strftime("d", '%a %-d %b %Y') AS "label"
FROM read_parquet('/data/fixtures/prepare-date-formatter/in0/*.parquet')
