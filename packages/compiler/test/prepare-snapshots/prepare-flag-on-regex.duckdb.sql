SELECT "s", CASE WHEN regexp_matches("s", '\d{3}') THEN TRUE ELSE FALSE END AS "f"
FROM read_parquet('/data/fixtures/prepare-flag-on-regex/in0/*.parquet')
