SELECT
  `_l`.`sku` AS `sku`,
  `_l`.`title` AS `title`,
  `_l`.`cat` AS `cat`,
  `_r`.`kw` AS `keyword`,
  `_r`.`prefix` AS `prefix`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-starts-with-and-equality/in0` AS `_l`
INNER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-starts-with-and-equality/in1` AS `_r` ON ((`_l`.`cat` = `_r`.`kcat`) AND startswith(`_l`.`sku`, `_r`.`prefix`))
