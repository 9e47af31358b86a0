SELECT "c", "a", "b"
FROM read_parquet('/data/fixtures/prepare-column-reorder/in0/*.parquet')
