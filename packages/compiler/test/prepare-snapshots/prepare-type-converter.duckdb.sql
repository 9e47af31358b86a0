WITH "_s1" AS (
SELECT
  CASE WHEN regexp_matches(trim("i", ' '), '^[+-]?[0-9]+\z') THEN TRY_CAST(trim("i", ' ') AS INTEGER) END AS "i",
  CASE WHEN regexp_matches(trim("d", ' '), '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?\z') THEN TRY_CAST(trim("d", ' ') AS DOUBLE) END AS "d",
  CASE WHEN ((regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 'true') OR (regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 't') OR (regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 'yes') OR (regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 'y') OR (regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = '1')) THEN TRUE WHEN ((regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 'false') OR (regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 'f') OR (regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 'no') OR (regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 'n') OR (regexp_replace(lower(replace(trim("b", ' '), 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = '0')) THEN FALSE END AS "b",
  "t",
  "n"
FROM read_parquet('/data/fixtures/prepare-type-converter/in0/*.parquet')
)
SELECT
  "i",
  "d",
  "b",
  CASE WHEN regexp_matches(trim("t", ' '), '^[0-9]{4}-[0-9]{2}-[0-9]{2}\z') THEN TRY_CAST(trim("t", ' ') AS DATE) END AS "t",
  CAST("n" AS VARCHAR) AS "n"
FROM "_s1"
