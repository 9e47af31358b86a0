SELECT
  count(*) AS `count`,
  array_join(transform(array_sort(collect_list(`qty`)), v -> CAST(v AS STRING)), ',') AS `qty_concat`,
  try_sum(`qty`) AS `total`,
  try_cast(try_sum(`amount`) AS DECIMAL(38, 9)) AS `amount_sum`,
  avg(CAST(`amount` AS DOUBLE)) AS `amount_avg`,
  max(`day`) AS `day_max`,
  min(`flag`) AS `flag_min`
FROM parquet.`dbfs:/mnt/sous/fixtures/group-global/in0`
