SELECT `d`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-filter-on-date/in0`
WHERE ((`d` >= DATE '2024-01-01') AND (`d` < DATE '2024-02-01'))
