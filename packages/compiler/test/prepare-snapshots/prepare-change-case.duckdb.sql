SELECT
  upper("a") AS "a",
  lower("b") AS "b",
  array_to_string(list_transform(string_split("c", ' '), x -> upper(x[1]) || lower(x[2:])), ' ') AS "c"
FROM read_parquet('/data/fixtures/prepare-change-case/in0/*.parquet')
