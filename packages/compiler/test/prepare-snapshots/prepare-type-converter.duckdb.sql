WITH "_s1" AS (
SELECT
  CASE WHEN regexp_matches(trim("i"), '^[+-]?[0-9]+\z') THEN TRY_CAST(trim("i") AS INTEGER) END AS "i",
  CASE WHEN regexp_matches(trim("d"), '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?\z') THEN TRY_CAST(trim("d") AS DOUBLE) END AS "d",
  CASE WHEN ((lower(trim("b")) = 'true') OR (lower(trim("b")) = 't') OR (lower(trim("b")) = 'yes') OR (lower(trim("b")) = 'y') OR (lower(trim("b")) = '1')) THEN TRUE WHEN ((lower(trim("b")) = 'false') OR (lower(trim("b")) = 'f') OR (lower(trim("b")) = 'no') OR (lower(trim("b")) = 'n') OR (lower(trim("b")) = '0')) THEN FALSE END AS "b",
  "t",
  "n"
FROM read_parquet('/data/fixtures/prepare-type-converter/in0/*.parquet')
)
SELECT
  "i",
  "d",
  "b",
  CASE WHEN regexp_matches(trim("t"), '^[0-9]{4}-[0-9]{2}-[0-9]{2}\z') THEN TRY_CAST(trim("t") AS DATE) END AS "t",
  CAST("n" AS VARCHAR) AS "n"
FROM "_s1"
