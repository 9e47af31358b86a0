SELECT `city` AS `town`, `name`
FROM parquet.`dbfs:/mnt/sous/fixtures/sync-rename/in0`
