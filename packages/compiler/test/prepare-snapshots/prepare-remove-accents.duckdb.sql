SELECT strip_accents("a") AS "a"
FROM read_parquet('/data/fixtures/prepare-remove-accents/in0/*.parquet')
