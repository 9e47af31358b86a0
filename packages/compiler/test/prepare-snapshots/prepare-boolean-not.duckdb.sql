SELECT (NOT "b") AS "b"
FROM read_parquet('/data/fixtures/prepare-boolean-not/in0/*.parquet')
