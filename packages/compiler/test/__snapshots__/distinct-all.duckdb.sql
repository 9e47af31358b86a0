SELECT DISTINCT "a", "b"
FROM read_parquet('/data/fixtures/distinct-all/in0/*.parquet')
