SELECT ('ID-' || `a` || '!') AS `a`, ('ID-' || CAST(`n` AS STRING) || '!') AS `n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-add-prefix-suffix/in0`
