SELECT `id`, `name`, `name` AS `name_copy`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-column-copier/in0`
