SELECT `_l`.`id` AS `id`, `_l`.`name` AS `name`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-left-anti/in0` AS `_l`
LEFT ANTI JOIN parquet.`dbfs:/mnt/sous/fixtures/join-left-anti/in1` AS `_r` ON (`_l`.`id` = `_r`.`cid`)
