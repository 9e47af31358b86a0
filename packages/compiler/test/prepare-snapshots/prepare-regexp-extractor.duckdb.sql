SELECT
  "email",
  regexp_extract("email", '([a-z]+)@([a-z.]+)', 1) AS "user",
  regexp_extract("email", '([a-z]+)@([a-z.]+)', 2) AS "domain"
FROM read_parquet('/data/fixtures/prepare-regexp-extractor/in0/*.parquet')
