SELECT "s"
FROM read_parquet('/data/fixtures/prepare-filter-on-value/in0/*.parquet')
WHERE ((lower("s") = 'a') OR (lower("s") = 'b'))
