SELECT
  "a",
  TRY_CAST(regexp_extract("a", '([-+]?[0-9]+([.][0-9]+)?)', 1) AS DOUBLE) AS "a_number",
  "b",
  TRY_CAST(replace(regexp_extract("b", '([-+]?[0-9]+(,[0-9]+)?)', 1), ',', '.') AS DOUBLE) AS "b_n"
FROM read_parquet('/data/fixtures/prepare-extract-numbers/in0/*.parquet')
