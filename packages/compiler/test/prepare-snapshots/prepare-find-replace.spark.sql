SELECT
  replace(`a`, 'a', 'X') AS `a`,
  regexp_replace(`b`, '([0-9]+)-([0-9]+)', '$2/$1') AS `b`,
  CASE WHEN (`c` = 'N/A') THEN 'none' ELSE `c` END AS `c`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-find-replace/in0`
