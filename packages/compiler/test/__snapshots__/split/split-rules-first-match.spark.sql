SELECT `id`, `country`, `age`, `score`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-rules-first-match/in0`
WHERE (`country` = 'FR')
;
SELECT `id`, `country`, `age`, `score`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-rules-first-match/in0`
WHERE ((`age` >= 30) AND (NOT coalesce((`country` = 'FR'), FALSE)))
;
SELECT `id`, `country`, `age`, `score`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-rules-first-match/in0`
WHERE (((`score` > 4) OR (`country` IS NULL)) AND (NOT coalesce(((`country` = 'FR') OR (`age` >= 30)), FALSE)))
;
SELECT `id`, `country`, `age`, `score`
FROM parquet.`dbfs:/mnt/sous/fixtures/split-rules-first-match/in0`
WHERE (NOT coalesce(((`country` = 'FR') OR (`age` >= 30) OR ((`score` > 4) OR (`country` IS NULL))), FALSE))
