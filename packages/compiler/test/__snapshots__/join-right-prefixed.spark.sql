SELECT
  `_l`.`id` AS `c_id`,
  `_l`.`name` AS `c_name`,
  `_r`.`cid` AS `o_cid`,
  `_r`.`amount` AS `o_amount`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-right-prefixed/in0` AS `_l`
RIGHT OUTER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-right-prefixed/in1` AS `_r` ON (`_l`.`id` = `_r`.`cid`)
