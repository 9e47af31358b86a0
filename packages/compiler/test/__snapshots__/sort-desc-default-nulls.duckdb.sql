SELECT "k"
FROM read_parquet('/data/fixtures/sort-desc-default-nulls/in0/*.parquet')
ORDER BY "k" DESC NULLS LAST
