SELECT "id", "name", "score", "day", "ok"
FROM read_parquet('/data/fixtures/filter-and-text/in0/*.parquet')
WHERE (("name" <> 'beta') AND ((NOT ("name" IS NULL)) AND ("name" <> '')) AND (("id" = CAST(1 AS INTEGER)) OR ("id" = CAST(2 AS INTEGER)) OR ("id" = CAST(3 AS INTEGER)) OR ("id" = CAST(4 AS INTEGER)) OR ("id" = CAST(6 AS INTEGER))) AND ("ok" = TRUE) AND starts_with("name", 'a'))
