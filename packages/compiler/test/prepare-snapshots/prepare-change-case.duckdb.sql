SELECT
  upper(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("a", 'ß', 'SS'), 'ﬀ', 'FF'), 'ﬁ', 'FI'), 'ﬂ', 'FL'), 'ﬃ', 'FFI'), 'ﬄ', 'FFL'), 'ﬅ', 'ST'), 'ﬆ', 'ST'), 'ŉ', 'ʼN'), 'ǰ', 'J̌')) AS "a",
  regexp_replace(lower(replace("b", 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') AS "b",
  array_to_string(list_transform(string_split("c", ' '), x -> upper(x[1]) || lower(x[2:])), ' ') AS "c"
FROM read_parquet('/data/fixtures/prepare-change-case/in0/*.parquet')
