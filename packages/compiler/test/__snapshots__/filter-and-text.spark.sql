SELECT `id`, `name`, `score`, `day`, `ok`
FROM parquet.`dbfs:/mnt/sous/fixtures/filter-and-text/in0`
WHERE ((`name` <> 'beta') AND ((NOT (`name` IS NULL)) AND (`name` <> '')) AND ((`id` = CAST(1 AS INT)) OR (`id` = CAST(2 AS INT)) OR (`id` = CAST(3 AS INT)) OR (`id` = CAST(4 AS INT)) OR (`id` = CAST(6 AS INT))) AND (`ok` = TRUE) AND startswith(`name`, 'a'))
