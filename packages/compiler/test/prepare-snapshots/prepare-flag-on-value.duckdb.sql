SELECT "s", CASE WHEN contains(lower("s"), 'err') THEN TRUE ELSE FALSE END AS "is_err"
FROM read_parquet('/data/fixtures/prepare-flag-on-value/in0/*.parquet')
