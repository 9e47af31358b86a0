SELECT substring("a", 1, 3) AS "a"
FROM read_parquet('/data/fixtures/prepare-truncate-string/in0/*.parquet')
