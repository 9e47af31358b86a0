SELECT "id", "name", "name" AS "name_copy"
FROM read_parquet('/data/fixtures/prepare-column-copier/in0/*.parquet')
