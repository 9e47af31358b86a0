SELECT lpad("a", 3, '0') AS "a", rpad("b", 4, '.') AS "b"
FROM read_parquet('/data/fixtures/prepare-pad-string/in0/*.parquet')
