SELECT
  "s",
  CASE WHEN contains(regexp_replace(lower(replace("s", 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g'), 'err') THEN TRUE ELSE FALSE END AS "is_err"
FROM read_parquet('/data/fixtures/prepare-flag-on-value/in0/*.parquet')
