SELECT
  `_l`.`sku` AS `sku`,
  `_l`.`title` AS `title`,
  `_l`.`cat` AS `cat`,
  `_r`.`kw` AS `kw`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-contains-text/in0` AS `_l`
LEFT OUTER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-contains-text/in1` AS `_r` ON contains(`_l`.`title`, `_r`.`kw`)
