SELECT `id`, `xtmp_c`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-columns-selector/in0`
