SELECT `n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-filter-on-numerical-range/in0`
WHERE ((CAST(`n` AS DOUBLE) >= CAST(1 AS DOUBLE)) AND (CAST(`n` AS DOUBLE) <= CAST(5 AS DOUBLE)))
