SELECT `x`, exp(try_cast(`x` AS DOUBLE)) AS `e`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-exp-transform/in0`
