SELECT "id", "xtmp_c"
FROM read_parquet('/data/fixtures/prepare-columns-selector/in0/*.parquet')
