SELECT
  "s",
  CASE WHEN ((NOT (("s" IS NULL) OR ("s" = ''))) AND (CASE WHEN regexp_matches(trim("s", ' '), '^[0-9]{4}-[0-9]{2}-[0-9]{2}\z') THEN TRY_CAST(trim("s", ' ') AS DATE) END IS NULL)) THEN TRUE ELSE FALSE END AS "bad"
FROM read_parquet('/data/fixtures/prepare-flag-on-bad-type/in0/*.parquet')
