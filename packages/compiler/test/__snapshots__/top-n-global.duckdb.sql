SELECT "region", "day", "amount"
FROM read_parquet('/data/fixtures/top-n-global/in0/*.parquet')
ORDER BY "amount" ASC NULLS FIRST
LIMIT 2
