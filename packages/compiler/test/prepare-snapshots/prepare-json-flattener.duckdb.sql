SELECT
  "j",
  CASE WHEN json_valid("j") THEN json_extract_string("j", '$.a') END AS "j_a",
  CASE WHEN json_valid("j") THEN json_extract_string("j", '$.b.c') END AS "j_b_c",
  CASE WHEN json_valid("j") THEN json_extract_string("j", '$.s') END AS "name"
FROM read_parquet('/data/fixtures/prepare-json-flattener/in0/*.parquet')
