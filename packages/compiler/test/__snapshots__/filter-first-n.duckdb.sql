SELECT "k", "tag"
FROM read_parquet('/data/fixtures/filter-first-n/in0/*.parquet')
WHERE (("k" >= 3) AND ("tag" = 'x'))
LIMIT 2
