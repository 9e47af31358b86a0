SELECT
  `_l`.`order_id` AS `order_id`,
  `_l`.`order_date` AS `order_date`,
  `_l`.`amount` AS `amount`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-left-anti-within-days-before/in0` AS `_l`
LEFT ANTI JOIN parquet.`dbfs:/mnt/sous/fixtures/join-left-anti-within-days-before/in1` AS `_r` ON ((`_l`.`order_date` >= date_add(`_r`.`start`, -30)) AND (`_l`.`order_date` <= `_r`.`start`))
