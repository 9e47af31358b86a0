SELECT "id", "country", "age", "score"
FROM read_parquet('/data/fixtures/split-values/in0/*.parquet')
WHERE (("country" = 'FR') OR ("country" = 'fr'))
;
SELECT "id", "country", "age", "score"
FROM read_parquet('/data/fixtures/split-values/in0/*.parquet')
WHERE (("country" = 'DE') OR ("country" IS NULL))
;
SELECT "id", "country", "age", "score"
FROM read_parquet('/data/fixtures/split-values/in0/*.parquet')
WHERE (NOT coalesce(((("country" = 'FR') OR ("country" = 'fr')) OR (("country" = 'DE') OR ("country" IS NULL))), FALSE))
