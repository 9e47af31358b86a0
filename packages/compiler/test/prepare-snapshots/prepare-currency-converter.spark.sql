SELECT
  `amount`,
  `cur`,
  (try_cast(`amount` AS DOUBLE) * CASE WHEN (`cur` = 'USD') THEN CAST(0.5 AS DOUBLE) WHEN (`cur` = 'EUR') THEN CAST(1 AS DOUBLE) END) AS `eur`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-currency-converter/in0`
