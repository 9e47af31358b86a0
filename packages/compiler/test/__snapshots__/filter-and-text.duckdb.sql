SELECT "id", "name", "score", "day", "ok"
FROM read_parquet('/data/fixtures/filter-and-text/in0/*.parquet')
WHERE (("name" <> 'beta') AND ((NOT ("name" IS NULL)) AND ("name" <> '')) AND (("id" = 1) OR ("id" = 2) OR ("id" = 3) OR ("id" = 4) OR ("id" = 6)) AND ("ok" = TRUE) AND starts_with("name", 'a'))
