SELECT `name`, `amount`, `qty`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-filter-on-formula/in0`
WHERE (((`amount` * CAST(`qty` AS DOUBLE)) > 10) AND startswith(`name`, 'a'))
