SELECT
  `a`,
  `b`,
  `c`,
  (((coalesce(try_cast(`a` AS DOUBLE), CAST(0 AS DOUBLE)) + coalesce(`b`, CAST(0 AS DOUBLE))) + coalesce(try_cast(`c` AS DOUBLE), CAST(0 AS DOUBLE))) / NULLIF(((CASE WHEN (try_cast(`a` AS DOUBLE) IS NULL) THEN 0 ELSE 1 END + CASE WHEN (`b` IS NULL) THEN 0 ELSE 1 END) + CASE WHEN (try_cast(`c` AS DOUBLE) IS NULL) THEN 0 ELSE 1 END), 0)) AS `m`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-row-mean/in0`
