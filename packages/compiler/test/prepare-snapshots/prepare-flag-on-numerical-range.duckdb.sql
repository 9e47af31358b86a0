SELECT "n", CASE WHEN ("n" >= CAST(0 AS DOUBLE)) THEN TRUE ELSE FALSE END AS "ok"
FROM read_parquet('/data/fixtures/prepare-flag-on-numerical-range/in0/*.parquet')
