SELECT abs(`n`) AS `n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-absolute-value/in0`
