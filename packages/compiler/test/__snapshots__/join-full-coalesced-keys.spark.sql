SELECT
  coalesce(`_l`.`id`, `_r`.`cid`) AS `id`,
  `_l`.`name` AS `name`,
  `_r`.`amount` AS `amount`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-full-coalesced-keys/in0` AS `_l`
FULL OUTER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-full-coalesced-keys/in1` AS `_r` ON (`_l`.`id` = `_r`.`cid`)
