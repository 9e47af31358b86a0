SELECT "s", TRY_CAST(length("s") AS INTEGER) AS "len"
FROM read_parquet('/data/fixtures/prepare-string-length/in0/*.parquet')
