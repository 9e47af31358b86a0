SELECT
  "amount",
  "cur",
  (TRY_CAST("amount" AS DOUBLE) * CASE WHEN ("cur" = 'USD') THEN CAST(0.5 AS DOUBLE) WHEN ("cur" = 'EUR') THEN CAST(1 AS DOUBLE) END) AS "eur"
FROM read_parquet('/data/fixtures/prepare-currency-converter/in0/*.parquet')
