SELECT `_l`.`x` AS `x`, `_r`.`y` AS `y`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-cross-multi/in0` AS `_l`
CROSS JOIN parquet.`dbfs:/mnt/sous/fixtures/join-cross-multi/in1` AS `_r`
