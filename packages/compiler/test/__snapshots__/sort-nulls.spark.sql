SELECT `name`, `age`, `city`
FROM parquet.`dbfs:/mnt/sous/fixtures/sort-nulls/in0`
ORDER BY `age` ASC NULLS FIRST, `city` DESC NULLS FIRST
