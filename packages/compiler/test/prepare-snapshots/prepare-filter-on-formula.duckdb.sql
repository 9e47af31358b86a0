SELECT "name", "amount", "qty"
FROM read_parquet('/data/fixtures/prepare-filter-on-formula/in0/*.parquet')
WHERE ((("amount" * CAST("qty" AS DOUBLE)) > 10) AND starts_with("name", 'a'))
