SELECT
  "s",
  coalesce((CASE WHEN regexp_full_match("s", '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_strptime("s", '%Y-%m-%d') END), (CASE WHEN regexp_full_match("s", '[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}') THEN try_strptime("s", '%d/%m/%Y %H:%M') END)) AS "ts"
FROM read_parquet('/data/fixtures/prepare-date-parser/in0/*.parquet')
