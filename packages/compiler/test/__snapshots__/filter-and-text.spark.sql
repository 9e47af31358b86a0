SELECT `id`, `name`, `score`, `day`, `ok`
FROM parquet.`dbfs:/mnt/sous/fixtures/filter-and-text/in0`
WHERE ((`name` <> 'beta') AND ((NOT (`name` IS NULL)) AND (`name` <> '')) AND ((`id` = 1) OR (`id` = 2) OR (`id` = 3) OR (`id` = 4) OR (`id` = 6)) AND (`ok` = TRUE) AND startswith(`name`, 'a'))
