SELECT `s`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-filter-on-value/in0`
WHERE ((lower(`s`) = 'a') OR (lower(`s`) = 'b'))
