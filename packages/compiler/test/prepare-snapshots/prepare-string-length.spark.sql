SELECT `s`, try_cast(length(`s`) AS INT) AS `len`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-string-length/in0`
