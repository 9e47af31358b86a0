SELECT "city" AS "town", "name"
FROM read_parquet('/data/fixtures/sync-rename/in0/*.parquet')
