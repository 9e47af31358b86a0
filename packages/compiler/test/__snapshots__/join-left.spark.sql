SELECT `_l`.`id` AS `id`, `_l`.`name` AS `name`, `_r`.`amount` AS `amount`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-left/in0` AS `_l`
LEFT OUTER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-left/in1` AS `_r` ON (`_l`.`id` = `_r`.`cid`)
