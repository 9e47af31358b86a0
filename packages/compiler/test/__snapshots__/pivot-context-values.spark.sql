SELECT
  `region`,
  try_sum(CASE WHEN (`product` = 'a') THEN `amount` END) AS `a_amount_sum`,
  count(CASE WHEN (`product` = 'a') THEN 1 END) AS `a_count`,
  try_sum(CASE WHEN (`product` = 'b') THEN `amount` END) AS `b_amount_sum`,
  count(CASE WHEN (`product` = 'b') THEN 1 END) AS `b_count`,
  try_sum(CASE WHEN (`product` IS NULL) THEN `amount` END) AS `null_amount_sum`,
  count(CASE WHEN (`product` IS NULL) THEN 1 END) AS `null_count`
FROM parquet.`dbfs:/mnt/sous/fixtures/pivot-context-values/in0`
GROUP BY `region`
