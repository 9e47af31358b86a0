SELECT "id", "country", "age", "score"
FROM read_parquet('/data/fixtures/split-rules-all-matching/in0/*.parquet')
WHERE (("country" = 'FR') OR ("country" = 'BE'))
;
SELECT "id", "country", "age", "score"
FROM read_parquet('/data/fixtures/split-rules-all-matching/in0/*.parquet')
WHERE ("age" < 30)
