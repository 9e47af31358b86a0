SELECT "a", "b"
FROM read_parquet('/data/fixtures/prepare-remove-rows-on-empty/in0/*.parquet')
WHERE (NOT CASE WHEN ((("a" IS NULL) OR ("a" = '')) OR (("b" IS NULL) OR ("b" = ''))) THEN TRUE ELSE FALSE END)
