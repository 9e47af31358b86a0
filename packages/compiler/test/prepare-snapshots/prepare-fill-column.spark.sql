SELECT 7 AS `id`, 'crm' AS `source`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-fill-column/in0`
