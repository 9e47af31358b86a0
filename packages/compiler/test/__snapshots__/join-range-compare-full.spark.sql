SELECT
  `_l`.`sale` AS `sale`,
  `_l`.`amount` AS `amount`,
  `_l`.`region` AS `region`,
  `_r`.`tier` AS `tier`,
  `_r`.`lo` AS `lo`,
  `_r`.`hi` AS `hi`,
  `_r`.`excluded` AS `excluded`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-range-compare-full/in0` AS `_l`
FULL OUTER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-range-compare-full/in1` AS `_r` ON ((`_l`.`amount` >= `_r`.`lo`) AND (`_l`.`amount` < `_r`.`hi`) AND (`_l`.`region` <> `_r`.`excluded`))
