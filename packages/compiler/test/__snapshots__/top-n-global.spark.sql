SELECT `region`, `day`, `amount`
FROM parquet.`dbfs:/mnt/sous/fixtures/top-n-global/in0`
ORDER BY `amount` ASC NULLS FIRST
LIMIT 2
