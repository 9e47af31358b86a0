SELECT
  `region`,
  `day`,
  `amount`,
  row_number() OVER (PARTITION BY `region` ORDER BY `day` ASC NULLS FIRST) AS `rn`,
  lag(`amount`, 1, 0) OVER (PARTITION BY `region` ORDER BY `day` ASC NULLS FIRST) AS `prev`,
  lead(`amount`, 1) OVER (PARTITION BY `region` ORDER BY `day` ASC NULLS FIRST) AS `next`,
  try_sum(`amount`) OVER (PARTITION BY `region` ORDER BY `day` ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `running`,
  avg(`amount`) OVER (PARTITION BY `region` ORDER BY `day` ASC NULLS FIRST ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS `smooth`,
  try_sum(`amount`) OVER (PARTITION BY `region` ORDER BY `day` ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `total`,
  last_value(`day`) OVER (PARTITION BY `region` ORDER BY `day` ASC NULLS FIRST ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS `lastDay`,
  first_value(`amount`) OVER (PARTITION BY `region` ORDER BY `day` ASC NULLS FIRST) AS `firstAmount`
FROM parquet.`dbfs:/mnt/sous/fixtures/window-running/in0`
