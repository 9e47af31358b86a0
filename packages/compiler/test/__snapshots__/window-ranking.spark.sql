SELECT
  `region`,
  `day`,
  `amount`,
  rank() OVER (PARTITION BY `region` ORDER BY `amount` DESC NULLS LAST) AS `rank`,
  dense_rank() OVER (PARTITION BY `region` ORDER BY `amount` DESC NULLS LAST) AS `denseRank`,
  count(*) OVER (PARTITION BY `region` ORDER BY `amount` DESC NULLS LAST) AS `count`,
  try_sum(`amount`) OVER (PARTITION BY `region` ORDER BY `amount` DESC NULLS LAST) AS `amount_sum`
FROM parquet.`dbfs:/mnt/sous/fixtures/window-ranking/in0`
