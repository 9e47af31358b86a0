SELECT "s"
FROM read_parquet('/data/fixtures/prepare-filter-on-regex/in0/*.parquet')
WHERE (NOT CASE WHEN regexp_matches("s", '^[0-9]+$') THEN TRUE ELSE FALSE END)
