SELECT "id", "name", "score", "day", "ok"
FROM read_parquet('/data/fixtures/filter-or-rules/in0/*.parquet')
WHERE (regexp_matches("name", '^[a-z]\d') OR ("name" = 'it''s') OR (("day" >= DATE '2024-02-01') AND ("day" <= DATE '2024-02-29')) OR ("score" > CAST(5 AS DOUBLE)))
