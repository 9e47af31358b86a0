SELECT
  regexp_replace(regexp_replace("a", '^[\t\n\x0B\f\r ]+|[\t\n\x0B\f\r ]+\z', '', 'g'), '[\t\n\x0B\f\r ]+', ' ', 'g') AS "a"
FROM read_parquet('/data/fixtures/prepare-normalize-whitespace/in0/*.parquet')
