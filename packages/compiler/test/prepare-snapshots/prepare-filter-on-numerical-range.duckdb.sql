SELECT "n"
FROM read_parquet('/data/fixtures/prepare-filter-on-numerical-range/in0/*.parquet')
WHERE ((CAST("n" AS DOUBLE) >= CAST(1 AS DOUBLE)) AND (CAST("n" AS DOUBLE) <= CAST(5 AS DOUBLE)))
