SELECT
  `_l`.`order_id` AS `order_id`,
  `_l`.`order_date` AS `order_date`,
  `_l`.`amount` AS `amount`,
  `_r`.`campaign` AS `campaign`,
  `_r`.`start` AS `start`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-range-within-days-after/in0` AS `_l`
LEFT OUTER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-range-within-days-after/in1` AS `_r` ON ((`_l`.`order_date` >= `_r`.`start`) AND (`_l`.`order_date` <= date_add(`_r`.`start`, 90)))
