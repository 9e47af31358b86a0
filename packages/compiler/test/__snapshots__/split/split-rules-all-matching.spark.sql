SELECT `id`, `country`, `age`, `score`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-rules-all-matching/in0`
WHERE ((`country` = 'FR') OR (`country` = 'BE'))
;
SELECT `id`, `country`, `age`, `score`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-rules-all-matching/in0`
WHERE (`age` < 30)
