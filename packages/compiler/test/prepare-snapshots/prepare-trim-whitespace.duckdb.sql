SELECT
  regexp_replace("a", '^[\t\n\x0B\f\r ]+|[\t\n\x0B\f\r ]+\z', '', 'g') AS "a",
  regexp_replace("b", '^[\t\n\x0B\f\r ]+', '', 'g') AS "b"
FROM read_parquet('/data/fixtures/prepare-trim-whitespace/in0/*.parquet')
