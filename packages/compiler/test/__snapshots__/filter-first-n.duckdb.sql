SELECT "k", "tag"
FROM read_parquet('/data/fixtures/filter-first-n/in0/*.parquet')
WHERE (("k" >= CAST(3 AS INTEGER)) AND ("tag" = 'x'))
LIMIT 2
