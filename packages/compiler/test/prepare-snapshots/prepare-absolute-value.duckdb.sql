SELECT abs("n") AS "n"
FROM read_parquet('/data/fixtures/prepare-absolute-value/in0/*.parquet')
