SELECT
  `d0`,
  `d1`,
  `t0`,
  `t1`,
  datediff(`d1`, `d0`) AS `days`,
  ((unix_micros(`t1`) - unix_micros(`t0`)) / NULLIF(CAST(3600000000 AS DOUBLE), 0)) AS `hours`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-date-difference/in0`
