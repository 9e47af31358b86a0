SELECT
  replace("a", 'a', 'X') AS "a",
  regexp_replace("b", '([0-9]+)-([0-9]+)', '\2/\1', 'g') AS "b",
  CASE WHEN ("c" = 'N/A') THEN 'none' ELSE "c" END AS "c"
FROM read_parquet('/data/fixtures/prepare-find-replace/in0/*.parquet')
