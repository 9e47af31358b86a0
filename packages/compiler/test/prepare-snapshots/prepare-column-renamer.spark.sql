SELECT `a` AS `b`, `b` AS `a`, `c` AS `d`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-column-renamer/in0`
