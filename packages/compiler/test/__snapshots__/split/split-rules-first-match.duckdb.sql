SELECT "id", "country", "age", "score"
FROM read_parquet('/data/fixtures/split-rules-first-match/in0/*.parquet')
WHERE ("country" = 'FR')
;
SELECT "id", "country", "age", "score"
FROM read_parquet('/data/fixtures/split-rules-first-match/in0/*.parquet')
WHERE (("age" >= 30) AND (NOT coalesce(("country" = 'FR'), FALSE)))
;
SELECT "id", "country", "age", "score"
FROM read_parquet('/data/fixtures/split-rules-first-match/in0/*.parquet')
WHERE ((("score" > 4) OR ("country" IS NULL)) AND (NOT coalesce((("country" = 'FR') OR ("age" >= 30)), FALSE)))
;
SELECT "id", "country", "age", "score"
FROM read_parquet('/data/fixtures/split-rules-first-match/in0/*.parquet')
WHERE (NOT coalesce((("country" = 'FR') OR ("age" >= 30) OR (("score" > 4) OR ("country" IS NULL))), FALSE))
