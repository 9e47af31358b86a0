SELECT `_l`.`id` AS `id`, `_l`.`name` AS `name`, `_r`.`amount` AS `amount`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-inner/in0` AS `_l`
INNER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-inner/in1` AS `_r` ON (`_l`.`id` = `_r`.`cid`)
