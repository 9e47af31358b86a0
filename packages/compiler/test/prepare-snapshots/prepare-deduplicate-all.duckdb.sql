SELECT DISTINCT "a", "b"
FROM read_parquet('/data/fixtures/prepare-deduplicate-all/in0/*.parquet')
