SELECT "s"
FROM read_parquet('/data/fixtures/prepare-filter-on-value/in0/*.parquet')
WHERE ((regexp_replace(lower(replace("s", 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 'a') OR (regexp_replace(lower(replace("s", 'İ', 'i̇')), '(\pL)σ($|\PL)', '\1ς\2', 'g') = 'b'))
