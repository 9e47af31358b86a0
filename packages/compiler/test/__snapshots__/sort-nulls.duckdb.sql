SELECT "name", "age", "city"
FROM read_parquet('/data/fixtures/sort-nulls/in0/*.parquet')
ORDER BY "age" ASC NULLS FIRST, "city" DESC NULLS FIRST
