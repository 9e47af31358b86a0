SELECT substring(`a`, 1, 3) AS `a`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-truncate-string/in0`
