SELECT
  `_l`.`event` AS `event`,
  `_l`.`at` AS `at`,
  `_r`.`visit` AS `v_visit`,
  `_r`.`day` AS `v_day`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-within-days-timestamp-date/in0` AS `_l`
INNER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-within-days-timestamp-date/in1` AS `_r` ON ((`_l`.`at` >= (CAST(`_r`.`day` AS TIMESTAMP) + make_interval(0, 0, 0, 0, -24, 0, 0))) AND (`_l`.`at` <= (CAST(`_r`.`day` AS TIMESTAMP) + make_interval(0, 0, 0, 0, 24, 0, 0))))
