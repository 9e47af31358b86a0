SELECT "d"
FROM read_parquet('/data/fixtures/prepare-filter-on-date/in0/*.parquet')
WHERE (("d" >= DATE '2024-01-01') AND ("d" < DATE '2024-02-01'))
