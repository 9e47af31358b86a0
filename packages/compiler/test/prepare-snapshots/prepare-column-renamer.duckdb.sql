SELECT "a" AS "b", "b" AS "a", "c" AS "d"
FROM read_parquet('/data/fixtures/prepare-column-renamer/in0/*.parquet')
