SELECT
  `region`,
  count(*) AS `count`,
  try_sum(`qty`) AS `qty_sum`,
  avg(`qty`) AS `qty_avg`,
  max(`price`) AS `price_max`,
  count(DISTINCT `product`) AS `product_countDistinct`,
  count(`note`) AS `note_count`,
  stddev_samp(`price`) AS `price_sd`,
  var_samp(`qty`) AS `qty_variance`,
  array_join(array_sort(collect_list(`product`)), ',') AS `product_concat`,
  min(`product`) AS `product_min`
FROM parquet.`dbfs:/mnt/sous/fixtures/group-by-region/in0`
GROUP BY `region`
