SELECT "s"
FROM read_parquet('/data/fixtures/prepare-filter-on-bad-type/in0/*.parquet')
WHERE (NOT CASE WHEN ((NOT (("s" IS NULL) OR ("s" = ''))) AND (CASE WHEN regexp_matches(trim("s", ' '), '^[+-]?[0-9]+\z') THEN TRY_CAST(trim("s", ' ') AS INTEGER) END IS NULL)) THEN TRUE ELSE FALSE END)
