SELECT `id`, `country`, `age`, `score`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-values/in0`
WHERE ((`country` = 'FR') OR (`country` = 'fr'))
;
SELECT `id`, `country`, `age`, `score`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-values/in0`
WHERE ((`country` = 'DE') OR (`country` IS NULL))
;
SELECT `id`, `country`, `age`, `score`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-values/in0`
WHERE (NOT coalesce((((`country` = 'FR') OR (`country` = 'fr')) OR ((`country` = 'DE') OR (`country` IS NULL))), FALSE))
