WITH "_s1" AS (
SELECT
  "_l"."id" AS "customer_id",
  "_l"."name" AS "name",
  regexp_replace(lower(replace(trim("_l"."email", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') AS "email_key",
  "_r"."acct_id" AS "acct_acct_id",
  "_r"."balance" AS "balance",
  CAST(year("_r"."opened") AS INTEGER) AS "acct_opened_year",
  ("_r"."balance" / NULLIF(CAST(1000 AS DOUBLE), 0)) AS "balance_k"
FROM read_parquet('/data/fixtures/join-output-columns-computed/in0/*.parquet') AS "_l"
LEFT OUTER JOIN read_parquet('/data/fixtures/join-output-columns-computed/in1/*.parquet') AS "_r" ON (regexp_replace(lower(replace(trim("_l"."email", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = regexp_replace(lower(replace("_r"."owner_email", 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g'))
)
SELECT
  "customer_id",
  "name",
  "email_key",
  "acct_acct_id",
  "balance",
  "acct_opened_year",
  "balance_k"
FROM "_s1"
WHERE ((NOT ("email_key" IS NULL)) AND (("balance" IS NULL) OR ("balance" >= 0)))
