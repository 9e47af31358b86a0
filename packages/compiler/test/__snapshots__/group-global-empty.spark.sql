SELECT
  count(*) AS `count`,
  array_join(array_sort(collect_list(`name`)), ',') AS `name_concat`,
  try_sum(`qty`) AS `qty_sum`,
  count(DISTINCT `qty`) AS `qty_countDistinct`,
  max(`name`) AS `name_max`
FROM parquet.`dbfs:/mnt/sous/fixtures/group-global-empty/in0`
